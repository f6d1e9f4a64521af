import { BlockStack, Card, InlineGrid, SkeletonBodyText, Text } from "@shopify/polaris";
import { LineChart } from "@shopify/polaris-viz";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { SegmentHistoryDay } from "../../services/segments/ports.js";
import { useHydrated } from "../use-hydrated.js";
import { useMoneyFormat } from "../use-money-format.js";

/** Size and revenue per daily snapshot, drawn once hydrated (useHydrated). */
export function SegmentHistoryChart({ snapshots }: { snapshots: SegmentHistoryDay[] }) {
  const t = segmentPage.history;
  const mounted = useHydrated();
  const money = useMoneyFormat();
  const moneyLabel = (value: string | number | null) => (value === null ? "" : money(String(value)));
  const size = [{ name: t.size, data: snapshots.map((s) => ({ key: s.day, value: s.size })) }];
  const revenue = [{ name: t.revenue, data: snapshots.map((s) => ({ key: s.day, value: Number(s.revenue) })) }];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t.heading}
        </Text>
        {snapshots.length === 0 ? (
          <Text as="p" tone="subdued">
            {t.empty}
          </Text>
        ) : (
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            {[
              [t.size, size],
              [t.revenue, revenue],
            ].map(([label, data]) => (
              <BlockStack gap="200" key={label as string}>
                <Text as="h3" variant="headingSm">
                  {label as string}
                </Text>
                <div style={{ height: 220 }} data-testid={`chart-${label === t.size ? "size" : "revenue"}`}>
                  {mounted ? (
                    <LineChart
                      data={data as typeof size}
                      theme="Light"
                      showLegend={false}
                      {...(label === t.revenue
                        ? {
                            yAxisOptions: { labelFormatter: moneyLabel },
                            tooltipOptions: { valueFormatter: moneyLabel },
                          }
                        : {})}
                    />
                  ) : (
                    <SkeletonBodyText lines={6} />
                  )}
                </div>
              </BlockStack>
            ))}
          </InlineGrid>
        )}
      </BlockStack>
    </Card>
  );
}
