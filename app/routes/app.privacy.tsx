import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Button, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import db from "../db.server.js";
import { prismaPrivacyRepository } from "../db/privacy/privacy.server.js";
import type { DataRequestSummary } from "../services/privacy/ports.js";
import { authenticate } from "../shopify.server.js";

/**
 * The shop's customer data requests (from customers/data_request): listed, and each downloadable as JSON.
 * `?download=<id>` answers the file; App Bridge's fetch carries the session token, so the button fetches it.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const privacy = prismaPrivacyRepository(db);
  const download = new URL(request.url).searchParams.get("download");
  if (download) {
    const data = await privacy.downloadDataRequest(session.shop, download);
    if (!data) return new Response("No such data request", { status: 404 });
    return new Response(JSON.stringify(data, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="customer-${data.customerId}-data-request.json"`,
        "cache-control": "no-store",
      },
    });
  }
  return { requests: await privacy.listDataRequests(session.shop) };
};

async function downloadRequest(id: string, customerId: string): Promise<void> {
  // `_data` makes Remix answer the loader's own Response (the file) instead of rendering the page.
  const response = await fetch(`/app/privacy?download=${encodeURIComponent(id)}&_data=routes%2Fapp.privacy`);
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `customer-${customerId}-data-request.json`;
  link.click();
  URL.revokeObjectURL(url);
}

export default function PrivacyRequests() {
  const data = useLoaderData<typeof loader>();
  const requests: DataRequestSummary[] = "requests" in data ? data.requests : [];
  return (
    <Page>
      <TitleBar title="Customer data requests" />
      <Layout>
        <Layout.Section>
          <Card>
            {requests.length === 0 ? (
              <EmptyState heading="No customer data requests" image="">
                <Text as="p">
                  When a customer asks the shop for their data, what Cohort stores about them appears here.
                </Text>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={["Customer", "Requested", "Downloaded", ""]}
                rows={requests.map((item) => [
                  <span key="customer" data-testid="data-request-customer">
                    {item.customerId}
                  </span>,
                  item.requestedAt,
                  item.downloadedAt ?? "—",
                  <Button key="download" onClick={() => void downloadRequest(item.id, item.customerId)}>
                    Download JSON
                  </Button>,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
