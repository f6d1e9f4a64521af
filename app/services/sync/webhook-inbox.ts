import type { WebhookDelivery, WebhookInboxRepository } from "./ports.js";
export type RecordOutcome = "recorded" | "duplicate";

export async function recordWebhook(inbox: WebhookInboxRepository, delivery: WebhookDelivery): Promise<RecordOutcome> {
  return (await inbox.insertIfNew(delivery)) ? "recorded" : "duplicate";
}
