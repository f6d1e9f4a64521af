import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import type { WebhookDelivery, WebhookInboxRepository } from "../services/webhook-inbox.js";
import type { Database } from "./client.server.js";
import { parseDatabaseUrl } from "./database-url.js";

/**
 * The inbox write on the acknowledgement path, through the database driver itself: one prepared statement
 * (SQLite) or one pooled query (PostgreSQL), instead of Prisma's per-query overhead of a few milliseconds.
 * `ON CONFLICT DO NOTHING` on (shop, eventId) makes a duplicate delivery a no-op. Rows are written exactly as
 * Prisma writes them (timestamps as Prisma's ISO text on SQLite), so Prisma reads them back unchanged.
 */
const COLUMNS = `"id", "shop", "topic", "eventId", "webhookId", "apiVersion", "triggeredAt", "payload", "receivedAt"`;

/** How long an acknowledgement may wait for SQLite's write lock: well inside Shopify's 5-second timeout. */
const BUSY_BUDGET_MS = 3000;

function prismaSqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** SQLite answers SQLITE_BUSY at once when another connection holds the write lock. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT";
}

export function sqliteWebhookInbox(filename: string): WebhookInboxRepository {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const db = new Sqlite(filename);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  // No busy_timeout: better-sqlite3 would wait for the lock synchronously, freezing every other request in the
  // process while the background worker writes. Busy inserts are retried on the event loop instead.
  db.pragma("busy_timeout = 0");
  const insert = db.prepare(
    `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("shop", "eventId") DO NOTHING`,
  );
  return {
    async insertIfNew(delivery: WebhookDelivery) {
      const row = [
        randomUUID(),
        delivery.shop,
        delivery.topic,
        delivery.eventId,
        delivery.webhookId,
        delivery.apiVersion,
        delivery.triggeredAt ? prismaSqliteTimestamp(delivery.triggeredAt) : null,
        JSON.stringify(delivery.payload),
        prismaSqliteTimestamp(new Date()),
      ];
      const deadline = Date.now() + BUSY_BUDGET_MS;
      for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
        try {
          return insert.run(...row).changes === 1;
        } catch (error) {
          if (!isBusy(error) || Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    },
  };
}

export function postgresWebhookInbox(connectionString: string, schema: string): WebhookInboxRepository {
  const pool = new pg.Pool({ connectionString, max: 10, options: `-c search_path="${schema}"` });
  const sql = `INSERT INTO "WebhookEvent" (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
    ON CONFLICT ("shop", "eventId") DO NOTHING`;
  return {
    async insertIfNew(delivery: WebhookDelivery) {
      const result = await pool.query(sql, [
        randomUUID(),
        delivery.shop,
        delivery.topic,
        delivery.eventId,
        delivery.webhookId,
        delivery.apiVersion,
        delivery.triggeredAt,
        JSON.stringify(delivery.payload),
      ]);
      return result.rowCount === 1;
    },
  };
}

export function webhookInboxFor(databaseUrl: string): WebhookInboxRepository {
  const target = parseDatabaseUrl(databaseUrl);
  return target.provider === "sqlite"
    ? sqliteWebhookInbox(target.filename)
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
