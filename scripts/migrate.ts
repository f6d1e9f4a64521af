/** `npm run setup`: applies the migrations for DATABASE_URL (SQLite or PostgreSQL). The app also does this on start. */
import { applyMigrations } from "../app/db/migrate.server.js";

const url = process.env.DATABASE_URL ?? "file:./data/cohort.db";
const result = await applyMigrations(url);
console.log(
  result.applied.length
    ? `Applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
    : `Database is up to date (${result.alreadyApplied.length} migration(s))`,
);
