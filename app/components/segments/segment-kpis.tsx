import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import type { SegmentKpis } from "../../domain/segments/segment-kpis.js";
import { segmentPage } from "../../locales/en/segment-page.js";
import { useMoneyFormat } from "../use-money-format.js";
import { formatBasisPoints, formatCount, formatHundredths } from "./segment-format.js";

/** The segment's six key figures, each in its own small card. */
export function SegmentKpiCards({ kpis }: { kpis: SegmentKpis }) {
  const t = segmentPage.kpis;
  const money = useMoneyFormat();
  const figures: Array<[string, string, string]> = [
    ["customers", t.customers, formatCount(kpis.customers)],
    ["revenue", t.revenue, money(kpis.revenue)],
    ["aov", t.averageOrderValue, money(kpis.averageOrderValue)],
    ["orders-per-customer", t.ordersPerCustomer, formatHundredths(kpis.ordersPerCustomerHundredths)],
    ["repeat-rate", t.repeatRate, formatBasisPoints(kpis.repeatRateBasisPoints)],
    ["ltv", t.averageLifetimeValue, money(kpis.averageLifetimeValue)],
  ];
  return (
    <section aria-label={t.heading}>
      <InlineGrid columns={{ xs: 2, sm: 3, lg: 6 }} gap="300">
        {figures.map(([id, label, value]) => (
          <Card key={id}>
            <BlockStack gap="100">
              <Text as="h3" variant="bodySm" tone="subdued">
                {label}
              </Text>
              <Text as="p" variant="headingLg">
                <span data-testid={`kpi-${id}`}>{value}</span>
              </Text>
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
    </section>
  );
}
