import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { overviewPage } from "../background/overview-page.server.js";
import { SyncStatusCard } from "../components/sync-status-card.js";
import { authenticate } from "../shopify.server.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  return overviewPage(admin, session.shop);
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
          <SyncStatusCard status={overview.sync} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
