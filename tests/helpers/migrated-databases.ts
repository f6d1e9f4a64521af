import { afterAll } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { applyMigrations } from "../../app/db/migrate.server.js";
import { freshDatabase } from "./databases.js";

export interface MigratedDatabase {
  db: Database;
  url: string;
}

/**
 * Opens fresh, migrated databases for one test file and closes and drops every one of them after it. Call it at
 * the top of the file; the function it returns opens one database of the given provider.
 */
export function migratedDatabases(): (provider: "sqlite" | "postgresql") => Promise<MigratedDatabase> {
  const opened: Array<{ drop(): Promise<void>; db: Database }> = [];
  afterAll(async () => {
    for (const { drop, db } of opened) {
      await db.$disconnect();
      await drop();
    }
  });
  return async (provider) => {
    const fresh = await freshDatabase(provider);
    await applyMigrations(fresh.url);
    const db = createDatabase(fresh.url);
    opened.push({ drop: () => fresh.drop(), db });
    return { db, url: fresh.url };
  };
}
