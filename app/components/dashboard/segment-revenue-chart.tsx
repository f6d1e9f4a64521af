import { BarChart } from "@shopify/polaris-viz";
import { BlockStack, Card, Text } from "@shopify/polaris";
import { dashboard } from "../../locales/en/dashboard.js";

/** One bar per segment: its members' net spend at the latest snapshot, in the shop's currency. */
export function SegmentRevenueChart({ segments }: { segments: Array<{ name: string; revenue: string }> }) {
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
          />
        </div>
      </BlockStack>
    </Card>
  );
}
