import { Link } from "@remix-run/react";
import { Badge, IndexTable, InlineStack, Text, Tooltip } from "@shopify/polaris";
import { segmentList } from "../../locales/en/segments.js";
import type { SegmentListRow } from "../../services/segments/segment-list-page.js";
import { useMoneyFormat } from "../use-money-format.js";
import { SizeSparkline } from "./size-sparkline.js";

const count = (value: number) => value.toLocaleString("en-US");

function Change({ value }: { value: number | null }) {
  if (value === null)
    return (
      <Text as="span" tone="subdued">
        {segmentList.noChange}
      </Text>
    );
  const text = value > 0 ? `+${count(value)}` : count(value);
  return (
    <Text as="span" numeric tone={value > 0 ? "success" : value < 0 ? "critical" : undefined}>
      {text}
    </Text>
  );
}

function Warnings({ row }: { row: SegmentListRow }) {
  if (row.warnings.length === 0)
    return (
      <Text as="span" tone="subdued">
        {segmentList.noWarnings}
      </Text>
    );
  return (
    <InlineStack gap="100">
      {row.warnings.map((warning, index) => (
        <Tooltip key={index} content={warning.message}>
          <Badge tone={warning.code === "EMPTY" ? "critical" : "warning"}>
            {segmentList.warningBadge[warning.code]}
          </Badge>
        </Tooltip>
      ))}
    </InlineStack>
  );
}

const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export function SegmentListTable({ rows }: { rows: SegmentListRow[] }) {
  const h = segmentList.headings;
  const money = useMoneyFormat();
  return (
    <IndexTable
      resourceName={segmentList.resourceName}
      itemCount={rows.length}
      selectable={false}
      headings={[
        { title: h.name },
        { title: h.tag },
        { title: h.size, alignment: "end" },
        { title: h.change7, alignment: "end" },
        { title: h.change30, alignment: "end" },
        { title: h.trend },
        { title: h.revenueShare, alignment: "end" },
        { title: h.lastEvaluated },
        { title: h.tagging },
        { title: h.warnings },
      ]}
    >
      {rows.map((row, index) => (
        <IndexTable.Row id={row.id} key={row.id} position={index}>
          <IndexTable.Cell>
            <Link to={`/app/segments/${row.id}`} data-testid="segment-link">
              <Text as="span" fontWeight="semibold">
                {row.name}
              </Text>
            </Link>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {row.tag ? (
              <Badge>{row.tag}</Badge>
            ) : (
              <Text as="span" tone="subdued">
                {segmentList.noTag}
              </Text>
            )}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              <span data-testid="segment-size">{count(row.size)}</span>
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InlineStack align="end">
              <Change value={row.change7} />
            </InlineStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InlineStack align="end">
              <Change value={row.change30} />
            </InlineStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <SizeSparkline
              sizes={row.sparkline}
              label={segmentList.sparklineLabel(row.name, row.sparkline[0] ?? row.size, row.size)}
            />
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Tooltip content={money(row.revenue)}>
              <Text as="span" alignment="end" numeric>
                <span data-testid="segment-revenue-share">
                  {row.revenueShare === null ? segmentList.noShare : `${row.revenueShare.toFixed(2)}%`}
                </span>
              </Text>
            </Tooltip>
          </IndexTable.Cell>
          <IndexTable.Cell>{formatDate(row.lastEvaluatedAt)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Badge tone={row.tagging === "on" ? "success" : row.tagging === "paused" ? "attention" : undefined}>
              {segmentList.taggingState[row.tagging]}
            </Badge>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Warnings row={row} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}
