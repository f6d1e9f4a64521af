import { COMPLIANCE_TOPICS } from "../../services/sync/ports.js";
import type { PrivacyRequestQueue } from "../../services/privacy/ports.js";
import type { Database } from "../client.server.js";

/** Compliance events in the webhook inbox that failed and wait for another try. Every query names the shop. */
export function prismaPrivacyRequests(db: Database): PrivacyRequestQueue {
  const pendingWhere = (shop: string) => ({
    shop,
    topic: { in: [...COMPLIANCE_TOPICS] },
    processedAt: null,
    attempts: { gt: 0 },
  });
  return {
    async pending(shop) {
      const rows = await db.webhookEvent.findMany({
        where: pendingWhere(shop),
        orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
        select: { id: true, topic: true, receivedAt: true, attempts: true, error: true, claimedUntil: true },
      });
      return rows.map((row) => ({
        id: row.id,
        topic: row.topic,
        receivedAt: row.receivedAt.toISOString(),
        attempts: row.attempts,
        lastError: row.error,
        retryAt: row.claimedUntil?.toISOString() ?? null,
      }));
    },

    async giveUp(shop, eventId, reason) {
      const given = await db.webhookEvent.updateMany({
        where: { ...pendingWhere(shop), id: eventId },
        data: { processedAt: new Date(), error: reason, claimedBy: null, claimedUntil: null },
      });
      return given.count > 0;
    },
  };
}
