import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteConnection } from "../../../app/db/sqlite-connection.server.js";
import { INBOX_SYNCHRONOUS } from "../../../app/db/sync/webhook-inbox.server.js";

const folder = mkdtempSync(join(tmpdir(), "cohort-sqlite-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** SQLite's codes for PRAGMA synchronous. */
const SYNCHRONOUS = { OFF: 0, NORMAL: 1, FULL: 2 } as const;

describe("the SQLite connections beside Prisma's", () => {
  it("given the webhook inbox's connection, when it is opened, then every commit syncs the WAL (a 200 survives a power loss)", () => {
    expect(INBOX_SYNCHRONOUS).toBe("FULL");
    const db = openSqliteConnection(join(folder, "inbox.db"), { walAutocheckpoint: 0, synchronous: INBOX_SYNCHRONOUS });
    expect(db.pragma("synchronous", { simple: true })).toBe(SYNCHRONOUS.FULL);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("given a connection opened without a durability, when it is opened, then it keeps the app's NORMAL", () => {
    const db = openSqliteConnection(join(folder, "facts.db"), { walAutocheckpoint: 1000 });
    expect(db.pragma("synchronous", { simple: true })).toBe(SYNCHRONOUS.NORMAL);
    db.close();
  });
});
