import type { InboxRepository } from "./ports.js";

/**
 * How long the webhook inbox keeps what Shopify sent (docs/decisions/0008-webhook-inbox.md). Payloads
 * carry names, emails and addresses; Cohort keeps none of them beyond what applying needs:
 * - an applied event's payload is blanked when it is marked processed;
 * - a rejected or dead-lettered event keeps its payload for diagnosis for `KEPT_PAYLOAD_RETENTION_MS`, then it is
 *   blanked too;
 * - a processed row (shop, event id, topic, times, error) is deleted after `PROCESSED_EVENT_RETENTION_MS`: it only
 *   serves to drop duplicate deliveries, and Shopify retries a delivery for at most 48 hours.
 */
export const PROCESSED_EVENT_RETENTION_MS = 30 * 24 * 60 * 60_000;
export const KEPT_PAYLOAD_RETENTION_MS = 7 * 24 * 60 * 60_000;

export async function applyInboxRetention(
  inbox: Pick<InboxRepository, "purge">,
  now: Date = new Date(),
): Promise<{ deleted: number; blanked: number }> {
  return inbox.purge({
    deleteProcessedBefore: new Date(now.getTime() - PROCESSED_EVENT_RETENTION_MS),
    blankPayloadsBefore: new Date(now.getTime() - KEPT_PAYLOAD_RETENTION_MS),
  });
}
