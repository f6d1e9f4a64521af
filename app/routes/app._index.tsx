import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { loadShopOverview } from "../services/shop-overview.js";
import { adminGraphql } from "../shopify/admin-graphql.server.js";
import { syncStatus } from "../shopify/backfill-runner.server.js";
import { authenticate } from "../shopify.server.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const [overview, sync] = await Promise.all([loadShopOverview(adminGraphql(admin)), syncStatus(session.shop)]);
  return { ...overview, sync };
};

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title="Cohort" />
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Shop
                </Text>
                <Text as="p" variant="headingLg">
                  <span data-testid="shop-name">{overview.name}</span>
                </Text>
                <Text as="p" tone="subdued">
                  {overview.domain} · {overview.currencyCode}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Customers
                </Text>
                <Text as="p" variant="headingLg">
                  <span data-testid="customer-count">{overview.customerCount.toLocaleString("en-US")}</span>
                </Text>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Sync
              </Text>
              {overview.sync.map((row) => (
                <Text as="p" key={row.resource}>
                  <span data-testid={`sync-${row.resource}`}>
                    {row.resource}: {row.status}, {row.processedCount.toLocaleString("en-US")} synced
                    {row.finishedAt ? ` (finished ${row.finishedAt.slice(0, 16).replace("T", " ")} UTC)` : ""}
                    {row.limitedToDays
                      ? ` — only the last ${row.limitedToDays} days: Shopify shares older orders with the read_all_orders scope`
                      : ""}
                    {row.lastError ? ` — ${row.lastError}` : ""}
                  </span>
                </Text>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
