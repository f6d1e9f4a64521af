import { BlockStack, Card, Text } from "@shopify/polaris";
import type { SyncResourceStatus, SyncStatusReport } from "../services/sync/sync-status.js";

const count = (value: number) => value.toLocaleString("en-US");
const minute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

function describeResource(row: SyncResourceStatus): string {
  const parts = [`${row.resource}: ${count(row.held)} held (${count(row.backfilled)} by the backfill, ${row.backfill}`];
  if (row.backfillFinishedAt) parts.push(`, finished ${minute(row.backfillFinishedAt)}`);
  parts.push(")");
  if (row.limitedToDays) {
    parts.push(` — only the last ${row.limitedToDays} days: Shopify shares older orders with the read_all_orders scope`);
  }
  if (row.lastError) parts.push(` — ${row.lastError}`);
  return parts.join("");
}

/** What Cohort holds of the shop, how the backfill went, and how fresh the webhooks are. */
export function SyncStatusCard({ status }: { status: SyncStatusReport }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Sync
        </Text>
        {status.resources.map((row) => (
          <Text as="p" key={row.resource}>
            <span data-testid={`sync-${row.resource}`}>{describeResource(row)}</span>
          </Text>
        ))}
        <Text as="p" tone="subdued">
          <span data-testid="last-webhook-applied">
            {status.lastWebhookAppliedAt
              ? `Last webhook applied ${minute(status.lastWebhookAppliedAt)}`
              : "No webhook applied yet"}
          </span>
        </Text>
      </BlockStack>
    </Card>
  );
}
