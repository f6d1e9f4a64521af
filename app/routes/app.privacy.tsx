import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Button, Card, DataTable, EmptyState, Layout, Page, Text } from "@shopify/polaris";
import { z } from "zod";
import { downloadDataRequest, giveUpOnPrivacyRequest, privacyPage } from "../background/privacy-page.server.js";
import type { DataRequestSummary, PendingPrivacyRequest } from "../services/privacy/ports.js";
import { authenticate } from "../shopify.server.js";

/**
 * The shop's customer data requests (from customers/data_request): listed, and each downloadable as JSON.
 * `?download=<id>` answers the file; App Bridge's fetch carries the session token, so the button fetches it.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const download = new URL(request.url).searchParams.get("download");
  if (download) {
    const data = await downloadDataRequest(session.shop, download);
    if (!data) return new Response("No such data request", { status: 404 });
    return new Response(JSON.stringify(data, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="customer-${data.customerId}-data-request.json"`,
        "cache-control": "no-store",
      },
    });
  }
  return privacyPage(session.shop);
};

const GiveUp = z.object({ intent: z.literal("give-up"), eventId: z.string().min(1).max(100) });

/** The merchant gives up on a privacy request that keeps failing: the one way such a request is dropped. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = GiveUp.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { error: "The request to give up on is missing." };
  const given = await giveUpOnPrivacyRequest(session.shop, form.data.eventId);
  return given ? { gaveUp: form.data.eventId } : { error: "That request is no longer pending." };
};

function PendingRequests({ pending }: { pending: PendingPrivacyRequest[] }) {
  if (pending.length === 0) return null;
  return (
    <Layout.Section>
      <Banner tone="critical" title={`${pending.length} privacy request${pending.length === 1 ? "" : "s"} failing`}>
        <BlockStack gap="200">
          <Text as="p">
            Cohort keeps retrying these until they succeed. Give up on one only if it can never succeed; Shopify expects
            every request to be honoured.
          </Text>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text", "text", "text"]}
            headings={["Request", "Received", "Attempts", "Last error", "Next try", ""]}
            rows={pending.map((item) => [
              <span key="topic" data-testid="pending-privacy-request">
                {item.topic}
              </span>,
              item.receivedAt,
              item.attempts,
              item.lastError ?? "—",
              item.retryAt ?? "—",
              <Form key="give-up" method="post">
                <input type="hidden" name="intent" value="give-up" />
                <input type="hidden" name="eventId" value={item.id} />
                <Button submit tone="critical">
                  Give up
                </Button>
              </Form>,
            ])}
          />
        </BlockStack>
      </Banner>
    </Layout.Section>
  );
}

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
  const outcome = useActionData<typeof action>();
  const requests: DataRequestSummary[] = "dataRequests" in data ? data.dataRequests : [];
  const pending: PendingPrivacyRequest[] = "pending" in data ? data.pending : [];
  return (
    <Page>
      <TitleBar title="Customer data requests" />
      <Layout>
        {outcome && "error" in outcome ? (
          <Layout.Section>
            <Banner tone="warning">{outcome.error}</Banner>
          </Layout.Section>
        ) : null}
        <PendingRequests pending={pending} />
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
