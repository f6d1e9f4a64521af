import { readFileSync } from "node:fs";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../../app/db/database-url.js";
import { applyMigrations, migrationsDirFor, readMigrations } from "../../../app/db/migrate.server.js";
import { prismaWebhookInbox, webhookInboxFor } from "../../../app/db/sync/webhook-inbox.server.js";
import { recordWebhook } from "../../../app/services/sync/webhook-inbox.js";
import { type WebhookDelivery } from "../../../app/services/sync/ports.js";
import { derivePostgresSchema, POSTGRES_SCHEMA, SQLITE_SCHEMA } from "../../../scripts/prisma-schemas.js";
import { freshDatabase, providers, type TestDatabase } from "../../helpers/databases.js";

const created: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(created.map((database) => database.drop()));
});

async function tableNames(url: string): Promise<string[]> {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    const db = new Sqlite(target.filename);
    const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[];
    db.close();
    return rows.map((row) => row.name);
  }
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(
    "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
    [target.schema],
  );
  await client.end();
  return rows.map((row) => row.name).sort();
}

describe("one model, two databases", () => {
  it("given prisma/schema.prisma, when the PostgreSQL schema is derived, then the committed file matches", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(derivePostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it("given both migration folders, when read, then they hold the same migrations in the same order", () => {
    const sqlite = readMigrations(migrationsDirFor(parseDatabaseUrl("file:x.db"))).map((m) => m.name);
    const postgres = readMigrations(migrationsDirFor(parseDatabaseUrl("postgresql://h/db"))).map((m) => m.name);
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
  });
});

describe.each(await providers())("database on %s", (provider) => {
  it("given an empty database, when migrations are applied twice, then the tables exist and the second run does nothing", async () => {
    const database = await freshDatabase(provider);
    created.push(database);
    const first = await applyMigrations(database.url);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await applyMigrations(database.url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    expect(await tableNames(database.url)).toEqual(
      expect.arrayContaining(["Session", "Shop", "WebhookEvent", "_prisma_migrations"]),
    );
  });

  it("given two processes starting at once on an empty database, when both apply migrations, then both succeed and each migration is applied once", async () => {
    const database = await freshDatabase(provider);
    created.push(database);
    const results = await Promise.all([1, 2, 3, 4].map(() => applyMigrations(database.url)));
    const applied = results.flatMap((result) => result.applied);
    expect(applied.sort()).toEqual(
      readMigrations(migrationsDirFor(parseDatabaseUrl(database.url)))
        .map((m) => m.name)
        .sort(),
    );
  });

  it.each([
    ["the driver-level inbox", (url: string) => webhookInboxFor(url)],
    ["the Prisma reference inbox", (_url: string, db: Database) => prismaWebhookInbox(db)],
  ] as const)(
    "given %s, when the same event arrives twice and another shop sends the same id, then each shop keeps one row that Prisma reads back",
    async (_name, makeInbox) => {
      const database = await freshDatabase(provider);
      created.push(database);
      await applyMigrations(database.url);
      const db = createDatabase(database.url);
      try {
        const inbox = makeInbox(database.url, db);
        const delivery: WebhookDelivery = {
          shop: "a.myshopify.com",
          topic: "orders/create",
          eventId: "evt-1",
          webhookId: "wh-1",
          apiVersion: "2026-10",
          triggeredAt: new Date("2026-11-01T00:00:00Z"),
          payload: { id: 1 },
        };
        expect(await recordWebhook(inbox, delivery)).toBe("recorded");
        expect(await recordWebhook(inbox, { ...delivery, webhookId: "wh-2" })).toBe("duplicate");
        expect(await recordWebhook(inbox, { ...delivery, shop: "b.myshopify.com" })).toBe("recorded");
        const rows = await db.webhookEvent.findMany({ where: { shop: "a.myshopify.com" } });
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          webhookId: "wh-1",
          topic: "orders/create",
          payload: '{"id":1}',
          triggeredAt: new Date("2026-11-01T00:00:00Z"),
          processedAt: null,
        });
        expect(Math.abs(rows[0]!.receivedAt.getTime() - Date.now())).toBeLessThan(60_000);
      } finally {
        await db.$disconnect();
      }
    },
  );

  it("given a burst of deliveries with duplicates among them, when recorded at once by the driver-level inbox, then each event is recorded exactly once and every delivery is answered", async () => {
    const database = await freshDatabase(provider);
    created.push(database);
    await applyMigrations(database.url);
    const db = createDatabase(database.url);
    try {
      const inbox = webhookInboxFor(database.url);
      // 300 deliveries of 100 events (so more than one batch), each event delivered three times, all in flight.
      const deliveries = Array.from({ length: 300 }, (_, i): WebhookDelivery => ({
        shop: "burst.myshopify.com",
        topic: "orders/updated",
        eventId: `evt-${i % 100}`,
        webhookId: `wh-${i}`,
        apiVersion: "2026-10",
        triggeredAt: null,
        payload: { id: i % 100 },
      }));
      const outcomes = await Promise.all(deliveries.map((delivery) => recordWebhook(inbox, delivery)));
      expect(outcomes.filter((outcome) => outcome === "recorded")).toHaveLength(100);
      const recordedEvents = deliveries.filter((_, i) => outcomes[i] === "recorded").map((d) => d.eventId);
      expect(new Set(recordedEvents).size).toBe(100);
      const rows = await db.webhookEvent.findMany({ where: { shop: "burst.myshopify.com" } });
      expect(rows).toHaveLength(100);
      // The recorded delivery of each event is the stored one.
      const stored = new Set(rows.map((row) => row.webhookId));
      expect(deliveries.filter((_, i) => outcomes[i] === "recorded").every((d) => stored.has(d.webhookId))).toBe(true);
    } finally {
      await db.$disconnect();
    }
  });

  it.runIf(provider === "sqlite")(
    "given another connection holding SQLite's write lock, when deliveries are recorded, then they are acknowledged only after it commits, and stored",
    async () => {
      const database = await freshDatabase(provider);
      created.push(database);
      await applyMigrations(database.url);
      const inbox = webhookInboxFor(database.url);
      const target = parseDatabaseUrl(database.url);
      if (target.provider !== "sqlite") throw new Error("SQLite only");
      const other = new Sqlite(target.filename);
      try {
        other.exec("BEGIN IMMEDIATE");
        let answered = 0;
        const recording = Promise.all(
          [1, 2, 3].map(async (n) => {
            const outcome = await recordWebhook(inbox, {
              shop: "locked.myshopify.com",
              topic: "orders/create",
              eventId: `evt-${n}`,
              webhookId: `wh-${n}`,
              apiVersion: "2026-10",
              triggeredAt: null,
              payload: { id: n },
            });
            answered += 1;
            return outcome;
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(answered).toBe(0);
        other.exec("COMMIT");
        expect(await recording).toEqual(["recorded", "recorded", "recorded"]);
        const count = other
          .prepare(`SELECT COUNT(*) AS n FROM "WebhookEvent" WHERE shop = ?`)
          .get("locked.myshopify.com");
        expect(count).toEqual({ n: 3 });
      } finally {
        other.close();
      }
    },
  );
});
