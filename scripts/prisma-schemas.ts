/**
 * Derives the PostgreSQL schema from prisma/schema.prisma, the one source of truth. Only the datasource provider
 * and the generated client's folder differ; models are copied as they are.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = resolve(root, "prisma/schema.prisma");
export const POSTGRES_SCHEMA = resolve(root, "prisma/postgresql/schema.prisma");

export function derivePostgresSchema(source: string): string {
  const derived = source
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      'output          = "../app/generated/prisma-sqlite"',
      'output          = "../../app/generated/prisma-postgresql"',
    )
    .replace(
      /^\/\/ The one source of truth[\s\S]*?\n\n/m,
      "// GENERATED from prisma/schema.prisma by scripts/prisma-schemas.ts: edit that file, then `npm run prisma:schemas`.\n\n",
    );
  if (!derived.includes('provider = "postgresql"') || !derived.includes("prisma-postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the provider/output lines this script rewrites");
  }
  return derived;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(POSTGRES_SCHEMA), { recursive: true });
  writeFileSync(POSTGRES_SCHEMA, derivePostgresSchema(readFileSync(SQLITE_SCHEMA, "utf8")));
  console.log(`wrote ${POSTGRES_SCHEMA}`);
}
