import { parseDatabaseUrl } from "../database-url.js";
import { timestamp } from "../sync/fact-rows.js";

/**
 * What differs between SQLite and PostgreSQL in the segment statements: table names (schema-qualified on
 * PostgreSQL, because raw SQL ignores the adapter's schema) and how a bound value is written. Every value from a
 * segment is bound, never spliced into the text.
 */
export interface SegmentDialect {
  provider: "sqlite" | "postgresql";
  table(name: string): string;
}

export function segmentDialectFor(databaseUrl: string): SegmentDialect {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider === "sqlite") return { provider: "sqlite", table: (name) => `"${name}"` };
  return { provider: "postgresql", table: (name) => `"${target.schema}"."${name}"` };
}

export type BoundValue = string | number | bigint | boolean | null;

/** The bound values of one statement, in placeholder order (`?` on SQLite, `$1`, `$2`, … on PostgreSQL). */
export class Parameters {
  readonly values: BoundValue[] = [];

  constructor(private readonly dialect: SegmentDialect) {}

  private placeholder(value: BoundValue): string {
    this.values.push(value);
    return this.dialect.provider === "sqlite" ? "?" : `$${this.values.length}`;
  }

  text(value: string): string {
    const placeholder = this.placeholder(value);
    return this.dialect.provider === "sqlite" ? placeholder : `CAST(${placeholder} AS TEXT)`;
  }

  integer(value: number | bigint): string {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error(`Not an integer: ${value}`);
    const placeholder = this.placeholder(typeof value === "bigint" ? value : BigInt(value));
    return this.dialect.provider === "sqlite" ? placeholder : `CAST(${placeholder} AS BIGINT)`;
  }

  /**
   * An instant (ISO 8601), as the column stores it: SQLite keeps the sync's text form
   * ("2026-01-01T00:00:00.000+00:00", compared as text), PostgreSQL a timestamp without time zone in UTC.
   */
  instant(iso: string): string {
    const stored = timestamp(iso);
    if (this.dialect.provider === "sqlite") return this.placeholder(stored);
    return `CAST(${this.placeholder(stored.replace("+00:00", ""))} AS TIMESTAMP(3))`;
  }
}

/** A stored instant as read back by raw SQL: text on SQLite, a Date on PostgreSQL. */
export function instantFromRow(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return new Date(Date.parse(String(value))).toISOString();
}

export function bigintFromRow(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  if (typeof value === "string") return BigInt(value);
  throw new Error(`Not an integer: ${String(value)}`);
}
