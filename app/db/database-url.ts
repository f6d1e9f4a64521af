/** Which database a `DATABASE_URL` names. Prisma's `?schema=` convention selects a PostgreSQL schema. */
export type DatabaseTarget =
  | { provider: "sqlite"; url: string; filename: string }
  | { provider: "postgresql"; url: string; connectionString: string; schema: string };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("file:")) {
    return { provider: "sqlite", url, filename: url.slice("file:".length).replace(/\?.*$/, "") };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema") ?? "public";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name: ${schema}`);
    parsed.searchParams.delete("schema");
    return { provider: "postgresql", url, connectionString: parsed.toString(), schema };
  }
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)");
}
