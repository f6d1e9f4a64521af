import { COMPLIANCE_TOPICS, type InboxEvent, type InboxRepository } from "../services/inbox-worker.js";
import type { Database } from "./client.server.js";

/**
 * The inbox worker's view of WebhookEvent. Claims are leases kept in this process: two workers in one process
 * never take the same event, and a failed event rests for `retryDelayMs` before it is tried again (so a poison event
 * cannot hold up the rest). Across processes two workers may both apply an event; applying is idempotent and
 * marking is conditional (`processedAt IS NULL`), so the outcome is the same.
 *
 * A database-wide claim needs columns on WebhookEvent (`claimedBy String?`, `claimedUntil DateTime?`,
 * `attempts Int @default(0)`): `UPDATE … SET claimedBy = $w, claimedUntil = now() + lease WHERE id IN (…) AND
 * processedAt IS NULL AND (claimedUntil IS NULL OR claimedUntil < now())`, keeping the rows it updated.
 */
export interface PrismaInboxOptions {
  retryDelayMs?: number;
  now?: () => number;
}

export function prismaInboxRepository(db: Database, options: PrismaInboxOptions = {}): InboxRepository {
  const leases = new Map<string, { workerId: string; until: number }>();
  const now = options.now ?? (() => Date.now());
  const retryDelayMs = options.retryDelayMs ?? 30_000;
  let claiming: Promise<unknown> = Promise.resolve();

  async function claimNow(limit: number, workerId: string, leaseMs: number): Promise<InboxEvent[]> {
    const at = now();
    for (const [id, lease] of leases) if (lease.until <= at) leases.delete(id);
    const uninstalled = (
      await db.shop.findMany({ where: { uninstalledAt: { not: null } }, select: { domain: true } })
    ).map((shop) => shop.domain);
    const leased = [...leases.keys()];
    const rows = await db.webhookEvent.findMany({
      where: {
        processedAt: null,
        ...(leased.length ? { id: { notIn: leased } } : {}),
        ...(uninstalled.length
          ? { OR: [{ shop: { notIn: uninstalled } }, { topic: { in: [...COMPLIANCE_TOPICS] } }] }
          : {}),
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: limit,
      select: { id: true, shop: true, topic: true, payload: true, receivedAt: true },
    });
    for (const row of rows) leases.set(row.id, { workerId, until: at + leaseMs });
    return rows;
  }

  return {
    claim({ limit, workerId, leaseMs }) {
      // Claims in this process run one at a time, so two workers never read the same unleased rows.
      const result = claiming.then(() => claimNow(limit, workerId, leaseMs));
      claiming = result.catch(() => undefined);
      return result;
    },

    async markProcessed(eventIds, workerId) {
      if (eventIds.length === 0) return;
      await db.webhookEvent.updateMany({
        where: { id: { in: eventIds }, processedAt: null },
        data: { processedAt: new Date(), error: null },
      });
      for (const id of eventIds) if (leases.get(id)?.workerId === workerId) leases.delete(id);
    },

    async markFailed(eventId, workerId, error) {
      await db.webhookEvent.updateMany({ where: { id: eventId, processedAt: null }, data: { error } });
      leases.set(eventId, { workerId, until: now() + retryDelayMs });
    },

    async markRejected(eventId, workerId, error) {
      await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null },
        data: { processedAt: new Date(), error },
      });
      if (leases.get(eventId)?.workerId === workerId) leases.delete(eventId);
    },
  };
}
