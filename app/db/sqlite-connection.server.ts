import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Sqlite from "better-sqlite3";

/**
 * Pages the WAL may hold before a commit copies them back into the database (SQLite's default is 1,000). Each
 * checkpoint waits for the disk; during a backfill, which writes a gigabyte, a 40 MB WAL cut the time spent in
 * system calls by a third. Every connection must say it: whichever commits past the limit checkpoints.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * How a commit reaches the disk. In WAL mode, NORMAL syncs only at checkpoints: a commit survives a crash of the
 * process but not a power loss. FULL syncs the WAL at every commit, so a commit survives both.
 */
export type SqliteSynchronous = "NORMAL" | "FULL";

/**
 * A better-sqlite3 connection of its own beside Prisma's, for the writes that bypass Prisma (the webhook inbox,
 * the fact writer). WAL (`synchronous = NORMAL` like the app's connection unless told FULL), and no busy_timeout:
 * better-sqlite3 would wait for the write lock synchronously, freezing the very process that may hold it in a
 * Prisma transaction; busy writes are retried on the event loop instead (`retryWhileBusy`).
 */
export function openSqliteConnection(
  filename: string,
  options: { walAutocheckpoint: number; synchronous?: SqliteSynchronous },
): Sqlite.Database {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true });
  const db = new Sqlite(filename);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous ?? "NORMAL"}`);
  db.pragma("busy_timeout = 0");
  db.pragma(`wal_autocheckpoint = ${options.walAutocheckpoint}`);
  return db;
}

/** SQLite answers SQLITE_BUSY at once when another connection holds the write lock. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT";
}

/**
 * Runs a synchronous write transaction, retrying on the event loop while another connection holds the write lock,
 * waiting `pollsMs[attempt]` (the last one repeated) between attempts, for at most `budgetMs`.
 */
export async function retryWhileBusy<T>(write: () => T, budgetMs: number, pollsMs: readonly number[]): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return write();
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() > deadline) throw error;
      const wait = pollsMs[Math.min(attempt, pollsMs.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
