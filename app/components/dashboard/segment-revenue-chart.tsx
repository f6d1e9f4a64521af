import { BarChart } from "@shopify/polaris-viz";
import { BlockStack, Card, Text } from "@shopify/polaris";
import { dashboard } from "../../locales/en/dashboard.js";
import { useMoneyFormat } from "../use-money-format.js";

/** One bar per segment: its current members' net spend, in the shop's currency. */
export function SegmentRevenueChart({ segments }: { segments: Array<{ name: string; revenue: string }> }) {
  const money = useMoneyFormat();
  const moneyLabel = (value: string | number | null) => (value === null ? "" : money(String(value)));
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {dashboard.revenueTitle}
        </Text>
        <div data-testid="segment-revenue-chart" style={{ height: 260 }}>
          <BarChart
            data={[
              { name: dashboard.revenueTitle, data: segments.map((s) => ({ key: s.name, value: Number(s.revenue) })) },
            ]}
            showLegend={false}
            yAxisOptions={{ labelFormatter: moneyLabel }}
            tooltipOptions={{ valueFormatter: moneyLabel }}
          />
        </div>
      </BlockStack>
    </Card>
  );
}
