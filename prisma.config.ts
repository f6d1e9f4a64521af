/**
 * Prisma CLI configuration. Prisma's engine binaries cannot be downloaded here, so the CLI runs the JavaScript
 * schema engine through the same driver adapters the app uses. `DATABASE_URL` picks the provider.
 */
import path from "node:path";
import { defineConfig } from "prisma/config";

// The schema reads env("DATABASE_URL"); without it `prisma generate` would fall back to downloading engines.
const databaseUrl = (process.env.DATABASE_URL ??= "file:./data/cohort.db");
const isPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPostgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  migrations: {
    path: isPostgres ? path.join("prisma", "postgresql", "migrations") : path.join("prisma", "migrations"),
  },
  async adapter() {
    if (isPostgres) {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: databaseUrl });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: databaseUrl });
  },
});
