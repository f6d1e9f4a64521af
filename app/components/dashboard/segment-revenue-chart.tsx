import { BarChart } from "@shopify/polaris-viz";
import { BlockStack, Card, SkeletonBodyText, Text } from "@shopify/polaris";
import { dashboard } from "../../locales/en/dashboard.js";
import { useHydrated } from "../use-hydrated.js";
import { useMoneyFormat } from "../use-money-format.js";

/** One bar per segment: its current members' net spend, in the shop's currency; drawn once hydrated (useHydrated). */
export function SegmentRevenueChart({ segments }: { segments: Array<{ name: string; revenue: string }> }) {
  const hydrated = useHydrated();
  const money = useMoneyFormat();
  const moneyLabel = (value: string | number | null) => (value === null ? "" : money(String(value)));
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {dashboard.revenueTitle}
        </Text>
        <div data-testid="segment-revenue-chart" style={{ height: 260 }}>
          {hydrated ? (
            <BarChart
              data={[
                {
                  name: dashboard.revenueTitle,
                  data: segments.map((s) => ({ key: s.name, value: Number(s.revenue) })),
                },
              ]}
              showLegend={false}
              yAxisOptions={{ labelFormatter: moneyLabel }}
              tooltipOptions={{ valueFormatter: moneyLabel }}
            />
          ) : (
            <SkeletonBodyText lines={8} />
          )}
        </div>
      </BlockStack>
    </Card>
  );
}
