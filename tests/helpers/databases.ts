import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * The databases every database test runs on: SQLite always; PostgreSQL whenever one answers at
 * TEST_POSTGRES_URL (default: the local server). In CI PostgreSQL must answer: a missing server fails the run
 * instead of silently skipping half the suite.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  provider: "sqlite" | "postgresql";
  /** A fresh, empty database: a new SQLite file, or a new PostgreSQL schema. */
  url: string;
  drop(): Promise<void>;
}

let postgresReachable: Promise<boolean> | undefined;

export function isPostgresReachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI but did not answer at ${POSTGRES_URL}`);
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresReachable;
}

export async function providers(): Promise<Array<"sqlite" | "postgresql">> {
  return (await isPostgresReachable()) ? ["sqlite", "postgresql"] : ["sqlite"];
}

export async function freshDatabase(provider: "sqlite" | "postgresql"): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "cohort-test-"));
    return { provider, url: `file:${join(dir, "test.db")}`, drop: async () => undefined };
  }
  const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("schema", schema);
  return {
    provider,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
