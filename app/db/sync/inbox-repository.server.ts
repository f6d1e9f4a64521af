import { randomUUID } from "node:crypto";
import {
  COMPLIANCE_TOPICS,
  isComplianceTopic,
  type InboxEvent,
  type InboxRepository,
} from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";

/**
 * The inbox worker's view of WebhookEvent, with claims kept in the database so workers in any number of processes
 * never apply one event at the same time. A claim is one conditional UPDATE (Prisma's `updateMany`): it takes the
 * oldest claimable candidates only where they are still unprocessed and unclaimed, writing a token unique to this
 * claim into `claimedBy`, then reads back the rows carrying that token. The UPDATE's WHERE is re-checked per row
 * under the row's write lock (PostgreSQL re-evaluates it after a concurrent update commits; SQLite has one
 * writer), so two claimers can both pick a candidate but only one gets it. Completing an event (processed, failed,
 * rejected) is conditional on the same token, so a worker whose lease ran out cannot overwrite the work of the one
 * that took the event over. Everything goes through Prisma, so timestamps are written and compared in one format
 * on SQLite.
 *
 * Attempts count failures only. A failed event rests, backing off (`retryDelayMs` doubling up to
 * `maxRetryDelayMs`), so a poison event cannot hold up the rest; after `maxAttempts` failures it is dead-lettered:
 * marked processed with its last error kept, prefixed `Dead-lettered`. A claim that lapses unfinished (its worker
 * died) counts against no one in its batch: each of its events is claimed alone from then on, and an event that
 * is abandoned `maxAbandonedAlone` times while alone is the one killing its workers, and is dead-lettered.
 * Compliance events are never dead-lettered: only the merchant may give up on one (compliance-requests.server.ts).
 */
export interface PrismaInboxOptions {
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  maxAttempts?: number;
  maxAbandonedAlone?: number;
  now?: () => number;
}

export const DEAD_LETTER_PREFIX = "Dead-lettered after";

/** What a processed event's payload becomes: its personal data is gone, the row still dedupes. */
export const BLANK_PAYLOAD = "";

function deadLetterError(attempts: number, error: string | null): string {
  return `${DEAD_LETTER_PREFIX} ${attempts} attempts${error ? `: ${error}` : ""}`;
}

/** The wait before the next try after `attempts` failures: doubling from `base`, capped. */
export function retryDelay(attempts: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

export function prismaInboxRepository(db: Database, options: PrismaInboxOptions = {}): InboxRepository {
  const now = options.now ?? (() => Date.now());
  // Most failures are passing (a lock, a deadlock, Shopify's 5xx): the first retry comes soon, later ones back off
  // to the hourly cap, and twelve attempts still span over two hours before an event is dead-lettered.
  const retryDelayMs = options.retryDelayMs ?? 5_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 60 * 60_000;
  const maxAttempts = options.maxAttempts ?? 12;
  const maxAbandonedAlone = options.maxAbandonedAlone ?? 3;
  const complianceTopics = [...COMPLIANCE_TOPICS];

  /**
   * Claims whose lease ran out unfinished: the worker died or stalled. Released, counted per event, and an
   * ordinary event abandoned too often while claimed alone is dead-lettered.
   */
  async function releaseAbandoned(at: Date): Promise<void> {
    await db.webhookEvent.updateMany({
      where: { processedAt: null, claimedBy: { not: null }, claimedUntil: { lt: at } },
      data: { claimedBy: null, claimedUntil: null, abandonedClaims: { increment: 1 } },
    });
    const killers = await db.webhookEvent.findMany({
      where: {
        processedAt: null,
        claimedBy: null,
        abandonedClaims: { gt: maxAbandonedAlone },
        topic: { notIn: complianceTopics },
      },
      select: { id: true, abandonedClaims: true, error: true },
    });
    for (const event of killers) {
      const reason = `${DEAD_LETTER_PREFIX} ${event.abandonedClaims - 1} abandoned claims alone (its worker stopped while applying it)`;
      await db.webhookEvent.updateMany({
        where: { id: event.id, processedAt: null, claimedBy: null },
        data: { processedAt: at, error: event.error ? `${reason}: ${event.error}` : reason },
      });
    }
  }

  /** One round: `candidates` is how many were claimable when read, `taken` what this claim won of them. */
  async function claimOnce(
    limit: number,
    token: string,
    leaseMs: number,
    suspectFirst: boolean,
  ): Promise<{ candidates: number; taken: InboxEvent[] }> {
    const at = new Date(now());
    const claimable = {
      processedAt: null,
      claimedBy: null,
      OR: [{ claimedUntil: null }, { claimedUntil: { lt: at } }],
    };
    const uninstalled = (
      await db.shop.findMany({ where: { uninstalledAt: { not: null } }, select: { domain: true } })
    ).map((shop) => shop.domain);
    const ofInstalledShops = uninstalled.length
      ? [{ OR: [{ shop: { notIn: uninstalled } }, { topic: { in: complianceTopics } }] }]
      : [];
    const select = { id: true } as const;
    const orderBy = [{ receivedAt: "asc" as const }, { id: "asc" as const }];
    // An event whose claim lapsed before is tried alone, ahead of the rest.
    const suspect = suspectFirst
      ? await db.webhookEvent.findMany({
          where: { ...claimable, abandonedClaims: { gt: 0 }, AND: ofInstalledShops },
          orderBy,
          take: 1,
          select,
        })
      : [];
    const candidates =
      suspect.length > 0
        ? suspect
        : await db.webhookEvent.findMany({
            where: { ...claimable, abandonedClaims: 0, AND: ofInstalledShops },
            orderBy,
            take: limit,
            select,
          });
    if (candidates.length === 0) return { candidates: 0, taken: [] };
    await db.webhookEvent.updateMany({
      where: { id: { in: candidates.map((candidate) => candidate.id) }, ...claimable },
      data: { claimedBy: token, claimedUntil: new Date(at.getTime() + leaseMs) },
    });
    const taken = await db.webhookEvent.findMany({
      where: { claimedBy: token, id: { in: candidates.map((candidate) => candidate.id) } },
      orderBy,
      select: { id: true, shop: true, topic: true, payload: true, receivedAt: true },
    });
    // A suspect is a batch of its own.
    return {
      candidates: suspect.length > 0 ? 0 : candidates.length,
      taken: taken.map((event) => ({ ...event, claimToken: token })),
    };
  }

  return {
    async claim({ limit, workerId, leaseMs }) {
      await releaseAbandoned(new Date(now()));
      const token = `${workerId}#${randomUUID()}`;
      // Another process may take some candidates between the read and the update: read again to fill the batch.
      const claimed: InboxEvent[] = [];
      for (let round = 0; round < 5 && claimed.length < limit; round += 1) {
        const { candidates, taken } = await claimOnce(limit - claimed.length, token, leaseMs, round === 0);
        claimed.push(...taken);
        if (candidates === 0) break;
      }
      return claimed.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id));
    },

    async extendClaim(claimToken, leaseMs) {
      const extended = await db.webhookEvent.updateMany({
        where: { claimedBy: claimToken, processedAt: null },
        data: { claimedUntil: new Date(now() + leaseMs) },
      });
      return extended.count;
    },

    async markProcessed(eventIds, claimToken) {
      if (eventIds.length === 0) return 0;
      const marked = await db.webhookEvent.updateMany({
        where: { id: { in: eventIds }, processedAt: null, claimedBy: claimToken },
        data: {
          processedAt: new Date(now()),
          error: null,
          claimedBy: null,
          claimedUntil: null,
          payload: BLANK_PAYLOAD,
        },
      });
      return marked.count;
    },

    async markFailed(eventId, claimToken, error) {
      const at = new Date(now());
      const event = await db.webhookEvent.findFirst({
        where: { id: eventId, processedAt: null, claimedBy: claimToken },
        select: { topic: true, attempts: true },
      });
      if (!event) return null;
      const attempts = event.attempts + 1;
      if (attempts >= maxAttempts && !isComplianceTopic(event.topic)) {
        const marked = await db.webhookEvent.updateMany({
          where: { id: eventId, processedAt: null, claimedBy: claimToken },
          data: {
            processedAt: at,
            attempts,
            error: deadLetterError(attempts, error),
            claimedBy: null,
            claimedUntil: null,
          },
        });
        return marked.count ? { attempts, retryAt: null } : null;
      }
      const retryAt = new Date(at.getTime() + retryDelay(attempts, retryDelayMs, maxRetryDelayMs));
      const marked = await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null, claimedBy: claimToken },
        data: { attempts, error, claimedBy: null, claimedUntil: retryAt },
      });
      return marked.count ? { attempts, retryAt } : null;
    },

    async markRejected(eventId, claimToken, error) {
      const marked = await db.webhookEvent.updateMany({
        where: { id: eventId, processedAt: null, claimedBy: claimToken },
        data: { processedAt: new Date(now()), error, claimedBy: null, claimedUntil: null },
      });
      return marked.count > 0;
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
