import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { parseDatabaseUrl, type DatabaseTarget } from "./database-url.js";

/**
 * Applies Prisma migrations on start, for both providers, keeping Prisma's own `_prisma_migrations` bookkeeping
 * so `prisma migrate status`/`deploy` agree with it. Prisma's CLI cannot apply migrations to PostgreSQL offline
 * (its pg adapter fails to read `name` columns), hence this small step.
 */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export function migrationsDirFor(target: DatabaseTarget, root = process.cwd()): string {
  return target.provider === "sqlite"
    ? resolve(root, "prisma", "migrations")
    : resolve(root, "prisma", "postgresql", "migrations");
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function checkHistory(migrations: Migration[], applied: AppliedRow[]): Migration[] {
  const byName = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new Error(
        `Migration ${row.migration_name} failed earlier and was not rolled back; fix the database, then mark it ` +
          "rolled back (prisma migrate resolve --rolled-back) before starting again",
      );
    }
    const local = byName.get(row.migration_name);
    if (local && local.checksum !== row.checksum) {
      throw new Error(`Migration ${row.migration_name} was changed after it was applied (checksum differs)`);
    }
  }
  const done = new Set(applied.filter((row) => !row.rolled_back_at).map((row) => row.migration_name));
  return migrations.filter((migration) => !done.has(migration.name));
}

const SQLITE_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Prisma's own advisory lock key, so this step and `prisma migrate` never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

function applySqlite(filename: string, migrations: Migration[]): MigrationResult {
  if (filename !== ":memory:") mkdirSync(dirname(resolve(filename)), { recursive: true });
  const db = new Sqlite(filename);
  try {
    db.pragma("busy_timeout = 10000");
    db.exec(SQLITE_HISTORY);
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = db.prepare('SELECT * FROM "_prisma_migrations" ORDER BY started_at').all() as AppliedRow[];
      const pending = checkHistory(migrations, rows);
      result.alreadyApplied = migrations.filter((m) => !pending.includes(m)).map((m) => m.name);
      for (const migration of pending) {
        const startedAt = new Date().toISOString();
        db.exec(migration.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), migration.checksum, new Date().toISOString(), migration.name, startedAt);
        result.applied.push(migration.name);
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    return result;
  } finally {
    db.close();
  }
}

async function applyPostgres(connectionString: string, schema: string, migrations: Migration[]) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // Locked first: two processes starting at once (the web process and the worker) would otherwise race on
    // CREATE SCHEMA IF NOT EXISTS, which fails one of them on pg_namespace's unique index.
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(`SET search_path TO "${schema}"`);
      await client.query(POSTGRES_HISTORY);
      const { rows } = await client.query<AppliedRow>(
        'SELECT migration_name::text, checksum::text, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
      );
      const pending = checkHistory(migrations, rows);
      const result: MigrationResult = {
        applied: [],
        alreadyApplied: migrations.filter((m) => !pending.includes(m)).map((m) => m.name),
      };
      for (const migration of pending) {
        const id = randomUUID();
        await client.query("BEGIN");
        try {
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), 0)`,
            [id, migration.checksum, migration.name],
          );
          await client.query(migration.sql);
          // The migration's own `CREATE SCHEMA "public"` must not move later statements out of our schema.
          await client.query(`SET search_path TO "${schema}"`);
          await client.query(
            'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
            [id],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

export async function applyMigrations(url: string, root = process.cwd()): Promise<MigrationResult> {
  const target = parseDatabaseUrl(url);
  const migrations = readMigrations(migrationsDirFor(target, root));
  return target.provider === "sqlite"
    ? applySqlite(target.filename, migrations)
    : applyPostgres(target.connectionString, target.schema, migrations);
}
