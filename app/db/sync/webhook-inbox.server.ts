import { randomUUID } from "node:crypto";
import pg from "pg";
import { groupCommit } from "../../lib/group-commit.js";
import type { WebhookDelivery, WebhookInboxRepository } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";
import { parseDatabaseUrl } from "../database-url.js";
import {
  isSqliteBusy,
  openSqliteConnection,
  retryWhileBusy,
  type SqliteSynchronous,
} from "../sqlite-connection.server.js";

/**
 * The inbox write on the acknowledgement path, through the database driver itself (one prepared statement on
 * SQLite, one pooled query on PostgreSQL) instead of Prisma's per-query overhead of a few milliseconds, with group
 * commit (`app/lib/group-commit.ts`, docs/decisions/0009-…): deliveries that arrive together are inserted in one
 * transaction, and each is acknowledged only after that transaction has committed. `ON CONFLICT DO NOTHING` on
 * (shop, eventId) makes a duplicate delivery a no-op, also within one batch (the later one reports "duplicate").
 * Rows are written exactly as Prisma writes them (timestamps as Prisma's ISO text on SQLite), so Prisma reads them
 * back unchanged.
 */
const COLUMNS = `"id", "shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "receivedAt"`;

/** How long an acknowledgement may wait for SQLite's write lock: well inside Shopify's 5-second timeout. */
const BUSY_BUDGET_MS = 3000;
/** Between attempts at SQLite's write lock: short, so a delivery is written soon after the worker commits. */
const BUSY_POLL_MS = [1, 1, 2, 2, 4];
/**
 * Checkpoints: SQLite runs one inside whichever commit grows the WAL past 1,000 pages, and a checkpoint writes and
 * syncs the database file — tens of milliseconds with every delivery in the process waiting. The inbox connection
 * therefore never checkpoints inside a commit; it checkpoints (PASSIVE: never waiting for readers) once deliveries
 * pause, or regardless after many commits. The worker's and the app's Prisma connections checkpoint as usual.
 */
const CHECKPOINT_AFTER_COMMITS = 250;
const CHECKPOINT_WHEN_IDLE_MS = 250;
const CHECKPOINT_REGARDLESS_AFTER_COMMITS = 2_500;
/** Rows per batch: bounds the statement and how long one commit holds the lock. */
const MAX_BATCH = 200;
/** Batches in flight at once on PostgreSQL (each on its own pooled connection). */
const POSTGRES_CONCURRENT_BATCHES = 4;

function prismaSqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/**
 * A 200 tells Shopify the delivery is stored and will not be sent again, so the inbox's commit must survive a power
 * loss, not only a crash: FULL syncs the WAL at each commit. Group commit shares one sync among the deliveries
 * that arrive together (decision 0009; the acknowledgement benchmark measures it).
 */
export const INBOX_SYNCHRONOUS: SqliteSynchronous = "FULL";

export function sqliteWebhookInbox(
  filename: string,
  synchronous: SqliteSynchronous = INBOX_SYNCHRONOUS,
): WebhookInboxRepository {
  const db = openSqliteConnection(filename, { walAutocheckpoint: 0, synchronous });
  let commitsSinceCheckpoint = 0;
  let idleCheckpoint: NodeJS.Timeout | undefined;
  const checkpoint = (): void => {
    clearTimeout(idleCheckpoint);
    commitsSinceCheckpoint = 0;
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch (error) {
      if (!isSqliteBusy(error)) console.error("[cohort] inbox checkpoint failed:", error);
    }
  };
  const committed = (): void => {
    commitsSinceCheckpoint += 1;
    if (commitsSinceCheckpoint >= CHECKPOINT_REGARDLESS_AFTER_COMMITS) {
      checkpoint();
    } else if (commitsSinceCheckpoint >= CHECKPOINT_AFTER_COMMITS) {
      // Re-armed by every commit: runs once no delivery has been written for a moment.
      clearTimeout(idleCheckpoint);
      idleCheckpoint = setTimeout(checkpoint, CHECKPOINT_WHEN_IDLE_MS);
      idleCheckpoint.unref();
    }
  };
  const insert = db.prepare(
    `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("shop", "eventId") DO NOTHING`,
  );
  // BEGIN IMMEDIATE: the write lock is taken (or refused as busy) before anything is written.
  const insertAll = db.transaction((rows: unknown[][]) => rows.map((row) => insert.run(...row).changes === 1));
  const write = groupCommit(
    async (rows: unknown[][]) => {
      const inserted = await retryWhileBusy(() => insertAll.immediate(rows), BUSY_BUDGET_MS, BUSY_POLL_MS);
      committed();
      return inserted;
    },
    { maxConcurrent: 1, maxBatch: MAX_BATCH },
  );
  return {
    insertIfNew(delivery: WebhookDelivery) {
      return write([
        randomUUID(),
        delivery.shop,
        delivery.topic,
        delivery.eventId,
        delivery.webhookId,
        delivery.apiVersion,
        delivery.triggeredAt ? prismaSqliteTimestamp(delivery.triggeredAt) : null,
        JSON.stringify(delivery.payload),
        prismaSqliteTimestamp(new Date()),
      ]);
    },
  };
}

export function postgresWebhookInbox(connectionString: string, schema: string): WebhookInboxRepository {
  const pool = new pg.Pool({ connectionString, max: 10, options: `-c search_path="${schema}"` });
  const PER_ROW = 8;
  const write = groupCommit(
    async (rows: unknown[][]) => {
      const values = rows.map(
        (_, r) =>
          `(${Array.from({ length: PER_ROW }, (_, c) => `$${r * PER_ROW + c + 1}`).join(", ")}, clock_timestamp())`,
      );
      // One statement, one implicit transaction: every row of the batch is committed, or none.
      const result = await pool.query<{ id: string }>(
        `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES ${values.join(", ")}
         ON CONFLICT ("shop", "eventId") DO NOTHING RETURNING "id"`,
        rows.flat(),
      );
      const inserted = new Set(result.rows.map((row) => row.id));
      return rows.map((row) => inserted.has(row[0] as string));
    },
    { maxConcurrent: POSTGRES_CONCURRENT_BATCHES, maxBatch: MAX_BATCH },
  );
  return {
    insertIfNew(delivery: WebhookDelivery) {
      return write([
        randomUUID(),
        delivery.shop,
        delivery.topic,
        delivery.eventId,
        delivery.webhookId,
        delivery.apiVersion,
        delivery.triggeredAt,
        JSON.stringify(delivery.payload),
      ]);
    },
  };
}

/** `sqliteSynchronous` applies to SQLite only: PostgreSQL commits durably (`synchronous_commit = on`). */
export function webhookInboxFor(
  databaseUrl: string,
  options: { sqliteSynchronous?: SqliteSynchronous } = {},
): WebhookInboxRepository {
  const target = parseDatabaseUrl(databaseUrl);
  return target.provider === "sqlite"
    ? sqliteWebhookInbox(target.filename, options.sqliteSynchronous)
    : postgresWebhookInbox(target.connectionString, target.schema);
}

/** Unique-constraint violation, as Prisma reports it on every provider. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** The same inbox through Prisma: the reference the driver-level writers are tested against. */
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
