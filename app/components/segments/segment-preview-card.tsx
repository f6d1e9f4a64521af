import { BlockStack, Card, InlineGrid, InlineStack, Link, SkeletonBodyText, Text } from "@shopify/polaris";
import { parseMoney } from "../../domain/money.js";
import { percentOf } from "../../domain/segments/segment-trends.js";
import { segmentEditor as t } from "../../locales/en/segments.js";
import type { SegmentPreview } from "../../services/segments/ports.js";
import { useMoneyFormat } from "../use-money-format.js";

export type PreviewState =
  | { status: "idle" }
  | { status: "loading"; last: SegmentPreview | null }
  | { status: "invalid" }
  | { status: "failed" }
  | { status: "ready"; preview: SegmentPreview };

function Metric({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

/** A sample member, linked to the customer in Shopify's admin. */
function CustomerLink({ id }: { id: string }) {
  const numeric = id.replace(/^gid:\/\/shopify\/Customer\//, "");
  return (
    <Link url={`shopify:admin/customers/${numeric}`} target="_top" removeUnderline>
      {t.customerLabel(numeric)}
    </Link>
  );
}

function Figures({ preview }: { preview: SegmentPreview }) {
  const share = percentOf(BigInt(preview.size), BigInt(preview.population));
  const revenueShare = percentOf(parseMoney(preview.revenue), parseMoney(preview.shopRevenue));
  const money = useMoneyFormat();
  return (
    <BlockStack gap="300">
      <InlineGrid columns={2} gap="300">
        <Metric label={t.previewMembers} value={preview.size.toLocaleString("en-US")} testId="preview-count" />
        <Metric label={t.previewShare} value={`${(share ?? 0).toFixed(1)}%`} />
        <Metric label={t.previewRevenueShare} value={`${(revenueShare ?? 0).toFixed(1)}%`} />
        <Metric label={t.previewAov} value={money(preview.averageOrderValue)} />
      </InlineGrid>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          {t.previewSample}
        </Text>
        {preview.sample.length === 0 ? (
          <Text as="p" tone="subdued">
            {t.previewNoSample}
          </Text>
        ) : (
          <InlineStack gap="200" wrap>
            {preview.sample.map((id) => (
              <CustomerLink key={id} id={id} />
            ))}
          </InlineStack>
        )}
      </BlockStack>
    </BlockStack>
  );
}

/** What the query being edited would hold now, refreshed as the merchant types. */
export function SegmentPreviewCard({ state }: { state: PreviewState }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t.previewHeading}
        </Text>
        <div aria-live="polite" aria-busy={state.status === "loading"}>
          {state.status === "idle" ? (
            <Text as="p" tone="subdued">
              {t.previewIdle}
            </Text>
          ) : null}
          {state.status === "invalid" ? (
            <Text as="p" tone="subdued">
              {t.previewInvalid}
            </Text>
          ) : null}
          {state.status === "failed" ? (
            <Text as="p" tone="critical">
              {t.previewFailed}
            </Text>
          ) : null}
          {state.status === "loading" && state.last === null ? <SkeletonBodyText lines={4} /> : null}
          {state.status === "loading" && state.last !== null ? (
            <div style={{ opacity: 0.5 }}>
              <Figures preview={state.last} />
            </div>
          ) : null}
          {state.status === "ready" ? <Figures preview={state.preview} /> : null}
        </div>
      </BlockStack>
    </Card>
  );
}
