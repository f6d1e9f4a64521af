import { createDatabase, tuneDatabase, type Database } from "./db/client.server.js";
import { applyMigrations } from "./db/migrate.server.js";
import { env } from "./env.server.js";

declare global {
  // A global survives Vite's module reloads in development.
  var cohortDatabase: Database | undefined;
}

// Migrations are applied when the app starts, before the first request can touch a table.
if (!globalThis.cohortDatabase) {
  const url = env().DATABASE_URL;
  const result = await applyMigrations(url);
  if (result.applied.length) console.log(`[cohort] applied migrations: ${result.applied.join(", ")}`);
  const client = createDatabase(url);
  await tuneDatabase(client, url);
  globalThis.cohortDatabase = client;
}

/** The process's database client (one pool, reused across hot reloads in development). */
const db: Database = globalThis.cohortDatabase;

export default db;
