/**
 * The webhook inbox: every delivery Shopify makes is recorded before it is acknowledged, once per event. A
 * duplicate delivery (same shop and `X-Shopify-Event-Id`) is recognised and dropped. Later work (the sync) reads
 * the inbox; a crash between recording and applying loses nothing.
 */
export interface WebhookDelivery {
  shop: string;
  topic: string;
  /** Same across Shopify's duplicate deliveries of one event; falls back to the webhook id when absent. */
  eventId: string;
  webhookId: string;
  apiVersion: string;
  triggeredAt: Date | null;
  payload: unknown;
}

export interface WebhookInboxRepository {
  /** Stores the delivery; returns false when that shop's event was stored already. */
  insertIfNew(delivery: WebhookDelivery): Promise<boolean>;
}

export type RecordOutcome = "recorded" | "duplicate";

export async function recordWebhook(inbox: WebhookInboxRepository, delivery: WebhookDelivery): Promise<RecordOutcome> {
  return (await inbox.insertIfNew(delivery)) ? "recorded" : "duplicate";
}
