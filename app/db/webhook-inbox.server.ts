import type { WebhookDelivery, WebhookInboxRepository } from "../services/webhook-inbox.js";
import type { Database } from "./client.server.js";

/** Unique-constraint violation, as Prisma reports it on every provider. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export function prismaWebhookInbox(db: Database): WebhookInboxRepository {
  return {
    async insertIfNew(delivery: WebhookDelivery) {
      try {
        await db.webhookEvent.create({
          data: {
            shop: delivery.shop,
            topic: delivery.topic,
            eventId: delivery.eventId,
            webhookId: delivery.webhookId,
            apiVersion: delivery.apiVersion,
            triggeredAt: delivery.triggeredAt,
            payload: JSON.stringify(delivery.payload),
          },
        });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
  };
}
