import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { PrismaClient as SqlitePrismaClient } from "../generated/prisma-sqlite/index.js";
import { parseDatabaseUrl } from "./database-url.js";
import { WAL_AUTOCHECKPOINT_PAGES } from "./sqlite-connection.server.js";

type PrismaClientConstructor = typeof SqlitePrismaClient;

/**
 * The generated clients are CommonJS packages that read their query compiler from beside themselves, so they are
 * loaded at run time from app/generated (made by `npm install`), never bundled by Vite.
 */
function loadClient(provider: "sqlite" | "postgresql"): PrismaClientConstructor {
  const require = createRequire(import.meta.url);
  const generated = require(resolve(process.cwd(), "app", "generated", `prisma-${provider}`)) as {
    PrismaClient: PrismaClientConstructor;
  };
  return generated.PrismaClient;
}

/**
 * Both generated clients come from the same models (prisma/schema.prisma), so they share one API; the SQLite
 * client's type stands for both.
 */
export type Database = SqlitePrismaClient;

export function createDatabase(url: string): Database {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    if (target.filename !== ":memory:") mkdirSync(dirname(target.filename), { recursive: true });
    const SqliteClient = loadClient("sqlite");
    return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: target.filename }) });
  }
  const adapter = new PrismaPg({ connectionString: target.connectionString, max: 10 }, { schema: target.schema });
  // Same models, same API: the PostgreSQL client is typed as the SQLite one.
  const PostgresClient = loadClient("postgresql");
  return new PostgresClient({ adapter: adapter as unknown as PrismaBetterSQLite3 });
}

/**
 * SQLite settings for a server that writes on every webhook: WAL lets readers run beside the writer, and
 * `synchronous = NORMAL` (safe in WAL mode against process crashes) stops every commit from waiting on fsync.
 * The adapter keeps one connection, so per-connection pragmas set here hold for the process.
 */
/** Negative: KiB, as SQLite reads cache_size. */
const SQLITE_CACHE_KIB = -65_536;

export async function tuneDatabase(db: Database, url: string): Promise<void> {
  if (parseDatabaseUrl(url).provider !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
  await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  // 64 MiB of page cache (the default is 2 MiB): a segment evaluation writing millions of members into indexes keyed
  // by segment and by customer otherwise rereads their pages from the file for nearly every row.
  await db.$queryRawUnsafe(`PRAGMA cache_size = ${SQLITE_CACHE_KIB}`);
}
