import { readFileSync } from "node:fs";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { parseDatabaseUrl } from "../../app/db/database-url.js";
import { applyMigrations, migrationsDirFor, readMigrations } from "../../app/db/migrate.server.js";
import { prismaWebhookInbox, webhookInboxFor } from "../../app/db/webhook-inbox.server.js";
import { recordWebhook, type WebhookDelivery } from "../../app/services/webhook-inbox.js";
import { derivePostgresSchema, POSTGRES_SCHEMA, SQLITE_SCHEMA } from "../../scripts/prisma-schemas.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";

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
});
