import { randomUUID } from "node:crypto";
import { COMPLIANCE_TOPICS, type InboxEvent, type InboxRepository } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";

/**
 * The inbox worker's view of WebhookEvent, with claims kept in the database so workers in any number of processes
 * never apply one event at the same time. A claim is one conditional UPDATE (Prisma's `updateMany`): it takes the
 * oldest claimable candidates only where they are still unprocessed and unleased, writing a token unique to this
 * claim into `claimedBy`, then reads back the rows carrying that token. The UPDATE's WHERE is re-checked per row
 * under the row's write lock (PostgreSQL re-evaluates it after a concurrent update commits; SQLite has one
 * writer), so two claimers can both pick a candidate but only one gets it. Everything goes through Prisma, so
 * timestamps are written and compared in one format on SQLite.
 *
 * A failed event rests for `retryDelayMs` (its lease is extended) so a poison event cannot hold up the rest; every
 * claim counts an attempt, and an event claimed `maxAttempts` times without succeeding is dead-lettered: marked
 * processed with its last error kept, prefixed `Dead-lettered`.
 */
export interface PrismaInboxOptions {
  retryDelayMs?: number;
  maxAttempts?: number;
  now?: () => number;
}

export const DEAD_LETTER_PREFIX = "Dead-lettered after";

/** What a processed event's payload becomes: its personal data is gone, the row still dedupes. */
export const BLANK_PAYLOAD = "";

function deadLetterError(attempts: number, error: string | null): string {
  return `${DEAD_LETTER_PREFIX} ${attempts} attempts${error ? `: ${error}` : ""}`;
}

export function prismaInboxRepository(db: Database, options: PrismaInboxOptions = {}): InboxRepository {
  const now = options.now ?? (() => Date.now());
  const retryDelayMs = options.retryDelayMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 10;

  /** Events whose claims ran out (a worker died holding them) after their last allowed attempt. */
  async function deadLetterExhausted(at: Date): Promise<void> {
    const exhausted = await db.webhookEvent.findMany({
      where: { processedAt: null, attempts: { gte: maxAttempts }, claimedUntil: { lt: at } },
      select: { id: true, attempts: true, error: true },
    });
    for (const event of exhausted) {
      await db.webhookEvent.updateMany({
        where: { id: event.id, processedAt: null, claimedUntil: { lt: at } },
        data: { processedAt: at, error: deadLetterError(event.attempts, event.error), claimedBy: null },
      });
    }
  }

  /** One round: `candidates` is how many were claimable when read, `taken` what this claim won of them. */
  async function claimOnce(
    limit: number,
    workerId: string,
    leaseMs: number,
  ): Promise<{ candidates: number; taken: InboxEvent[] }> {
    const at = new Date(now());
    const claimable = {
      processedAt: null,
      attempts: { lt: maxAttempts },
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: at } }],
    };
    const uninstalled = (
      await db.shop.findMany({ where: { uninstalledAt: { not: null } }, select: { domain: true } })
    ).map((shop) => shop.domain);
    const candidates = await db.webhookEvent.findMany({
      where: {
        ...claimable,
        ...(uninstalled.length
          ? { AND: [{ OR: [{ shop: { notIn: uninstalled } }, { topic: { in: [...COMPLIANCE_TOPICS] } }] }] }
          : {}),
      },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: limit,
      select: { id: true },
    });
    if (candidates.length === 0) return { candidates: 0, taken: [] };
    const token = `${workerId}#${randomUUID()}`;
    await db.webhookEvent.updateMany({
      where: { id: { in: candidates.map((candidate) => candidate.id) }, ...claimable },
      data: { claimedBy: token, claimedUntil: new Date(at.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    const taken = await db.webhookEvent.findMany({
      where: { claimedBy: token },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      select: { id: true, shop: true, topic: true, payload: true, receivedAt: true },
    });
    return { candidates: candidates.length, taken };
  }

  return {
    async claim({ limit, workerId, leaseMs }) {
      await deadLetterExhausted(new Date(now()));
      // Another process may take some candidates between the read and the update: read again to fill the batch.
      const claimed: InboxEvent[] = [];
      for (let round = 0; round < 5 && claimed.length < limit; round += 1) {
        const { candidates, taken } = await claimOnce(limit - claimed.length, workerId, leaseMs);
        claimed.push(...taken);
        if (candidates === 0) break;
      }
      return claimed.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id));
    },

    async markProcessed(eventIds) {
      if (eventIds.length === 0) return;
      await db.webhookEvent.updateMany({
        where: { id: { in: eventIds }, processedAt: null },
        data: {
          processedAt: new Date(now()),
          error: null,
          claimedBy: null,
          claimedUntil: null,
          payload: BLANK_PAYLOAD,
        },
      });
    },

    async markFailed(eventId, _workerId, error) {
      const at = new Date(now());
      // The last allowed attempt failed: dead-letter it now rather than after one more lease.
      await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null, attempts: { gte: maxAttempts } },
        data: { processedAt: at, error: deadLetterError(maxAttempts, error), claimedBy: null, claimedUntil: null },
      });
      await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null },
        data: { error, claimedUntil: new Date(at.getTime() + retryDelayMs) },
      });
    },

    async markRejected(eventId, _workerId, error) {
      await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null },
        data: { processedAt: new Date(now()), error, claimedBy: null, claimedUntil: null },
      });
    },

    // Retention runs over every shop at once: it is the inbox's own housekeeping, not a shop's data.
    async purge({ deleteProcessedBefore, blankPayloadsBefore }) {
      const deleted = await db.webhookEvent.deleteMany({ where: { processedAt: { lt: deleteProcessedBefore } } });
      const blanked = await db.webhookEvent.updateMany({
        where: { processedAt: { lt: blankPayloadsBefore }, payload: { not: BLANK_PAYLOAD } },
        data: { payload: BLANK_PAYLOAD },
      });
      return { deleted: deleted.count, blanked: blanked.count };
    },
  };
}
