import { GraphQLError } from "graphql";
import type Database from "better-sqlite3";
import type { Table } from "../../store/store.js";
import type { SqlFragment } from "../search-query.js";

/** Shopify's page-size ceiling for every connection. */
export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface PageInfo {
  __typename: "PageInfo";
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<N> {
  __typename: string;
  edges: { __typename: string; cursor: string; node: N }[];
  nodes: N[];
  pageInfo: PageInfo;
}

/** A cursor's `last_value` as Shopify writes it: a number, a string, or for LOCATION an array of parts. */
export type CursorValue = string | number | null | (string | null)[];

/** A sort value as SQLite returns it. */
export type SqlSortValue = string | number;

/**
 * Which of Shopify's two back ends answers a connection (see `answeredBySearchIndex`): it decides the sort
 * value's precision and how `last_value` is written.
 */
export type CursorSource = "database" | "search";

/** One sort key: its SQL value and the codec between that value and the cursor's `last_value`. */
export interface SortKey {
  /** An SQL expression over the table aliased `t` that is never NULL. */
  sql(source: CursorSource): string;
  toCursor(value: SqlSortValue, source: CursorSource): CursorValue;
  /** The SQL bound a cursor's `last_value` stands for; `undefined` when it cannot be one of this key's. */
  fromCursor(value: CursorValue): SqlSortValue | undefined;
}

/** Shopify's cursors are base64 JSON `{"last_id":…,"last_value":…}`; ours use the same shape. */
export function encodeCursor(id: number, value: CursorValue): string {
  return Buffer.from(JSON.stringify({ last_id: id, last_value: value })).toString("base64");
}

function isCursorValue(value: unknown): value is CursorValue {
  if (typeof value === "string" || typeof value === "number" || value === null) return true;
  return Array.isArray(value) && value.every((part) => typeof part === "string" || part === null);
}

function invalidCursor(cursor: string): GraphQLError {
  // Unconfirmed text: no capture of Shopify's answer to a forged cursor yet.
  return new GraphQLError(`Invalid cursor: ${cursor}`, { extensions: { code: "BAD_REQUEST" } });
}

export function decodeCursor(cursor: string): { id: number; value: CursorValue } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as unknown;
    // Shopify leaves `last_value` out where the sort value is null (bulkOperations by COMPLETED_AT).
    if (typeof parsed === "object" && parsed !== null && "last_id" in parsed) {
      const { last_id: id, last_value: value = null } = parsed as { last_id: unknown; last_value?: unknown };
      if (typeof id === "number" && isCursorValue(value)) return { id, value };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor(cursor);
}

// ---- sort keys ----------------------------------------------------------------------------------------------

/** The id: a string in database cursors ("9522206933298"), a number in search-index ones. */
export function idSortKey(column = "t.id"): SortKey {
  return {
    sql: () => column,
    toCursor: (value, source) => (source === "database" ? String(value) : Number(value)),
    fromCursor: (value) => {
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
      return undefined;
    },
  };
}

const epochSeconds = (column: string) => `CAST(strftime('%s', ${column}) AS INTEGER)`;

/** "2026-04-24 23:51:30.272000": how Shopify's database cursors write a timestamp (UTC, microseconds). */
export function databaseTimestamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000`;
}

/** Epoch milliseconds of a cursor's timestamp: a number, a database timestamp, or an ISO string. */
export function cursorTimestampMs(value: CursorValue): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!match) return undefined;
  const millis = (match[3] ?? "").slice(0, 3).padEnd(3, "0");
  const parsed = Date.parse(`${match[1]}T${match[2]}.${millis}${match[4] ?? "Z"}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * A timestamp column (ISO text, with or without milliseconds), sorted as epoch milliseconds so that mixed text
 * forms still order by time. The search index keeps whole seconds (every captured value ends in 000) and ties
 * fall to the id; the database keeps sub-second precision and writes it as a timestamp string.
 */
export function timestampSortKey(column: string): SortKey {
  return {
    sql: (source) =>
      source === "search"
        ? `COALESCE(${epochSeconds(column)} * 1000, 0)`
        : `COALESCE(${epochSeconds(column)} * 1000 + CAST(substr(strftime('%f', ${column}), 4) AS INTEGER), 0)`,
    toCursor: (value, source) => (source === "search" ? Number(value) : databaseTimestamp(Number(value))),
    fromCursor: cursorTimestampMs,
  };
}

/** A value written into the cursor as SQLite returns it (names, titles, totals). */
export function plainSortKey(sql: string): SortKey {
  return {
    sql: () => sql,
    toCursor: (value) => value,
    fromCursor: (value) => (typeof value === "string" || typeof value === "number" ? value : undefined),
  };
}

const PART_SEPARATOR = String.fromCharCode(31);

/**
 * Several lower-cased text parts (LOCATION: country, province, city) written into the cursor as an array, as
 * Shopify does (`["canada","ontario","ottawa"]`). A missing or empty part sorts after every present one: in the
 * capture customers without an address do not come first. In SQL the parts are one string: each present part
 * is "0" + the part and a missing one "1", joined by U+001F, which sorts below any printable character, so the
 * string orders part by part. A missing part is `null` in the cursor (unconfirmed: no capture shows one).
 */
export function partsSortKey(parts: readonly string[]): SortKey {
  const sql = parts
    .map((part) => `CASE WHEN COALESCE(${part}, '') = '' THEN '1' ELSE '0' || ${part} END`)
    .join(` || char(31) || `);
  return {
    sql: () => sql,
    toCursor: (value) =>
      String(value)
        .split(PART_SEPARATOR)
        .map((part) => (part.startsWith("0") ? part.slice(1) : null)),
    fromCursor: (value) => {
      if (!Array.isArray(value) || value.length !== parts.length) return undefined;
      return value.map((part) => (part === null || part === "" ? "1" : `0${part}`)).join(PART_SEPARATOR);
    },
  };
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}

/** Validates `first`/`last` as Shopify does and returns the page size and direction. */
export function pageWindow(args: ConnectionArgs): { size: number; backward: boolean } {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first === null && last === null) throw badRequest("you must provide one of first or last");
  if (first !== null && last !== null) throw badRequest("providing both first and last is not supported");
  const size = (first ?? last)!;
  if (size > MAX_PAGE_SIZE) {
    // Unconfirmed text (no capture yet); the limit itself is documented.
    throw badRequest(`The maximum page size is ${MAX_PAGE_SIZE}; ${first !== null ? "first" : "last"} was ${size}.`);
  }
  if (size < 0) throw badRequest(`${first !== null ? "first" : "last"} must be a positive number`);
  return { size, backward: last !== null };
}

function buildConnection<N>(
  typeName: string,
  rows: { node: N; cursor: string }[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
): Connection<N> {
  const edgeType = typeName.replace(/Connection$/, "Edge");
  return {
    __typename: typeName,
    edges: rows.map((row) => ({ __typename: edgeType, cursor: row.cursor, node: row.node })),
    nodes: rows.map((row) => row.node),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage,
      hasPreviousPage,
      startCursor: rows[0]?.cursor ?? null,
      endCursor: rows[rows.length - 1]?.cursor ?? null,
    },
  };
}

export interface SqlConnectionSource {
  db: Database.Database;
  table: Table;
  shopId: number;
  /** ANDed filters over the table aliased `t`. */
  filters: SqlFragment[];
  sortKey: SortKey;
  /** Which back end Shopify would answer from: `answeredBySearchIndex(args.query)`. */
  cursorSource: CursorSource;
}

interface SqlRow {
  id: number;
  sort_value: SqlSortValue;
  data: string;
}

/**
 * Keyset pagination in SQL: rows ordered by (sort value, id), both descending when `reverse`. Cursors hold the
 * row's sort value and id, so pages stay stable while rows are added or removed elsewhere.
 */
export function sqlConnection<N>(
  typeName: string,
  source: SqlConnectionSource,
  args: ConnectionArgs,
  toNode: (data: string) => N,
): Connection<N> {
  const { size, backward } = pageWindow(args);
  const ascending = !args.reverse;
  const expression = source.sortKey.sql(source.cursorSource);
  const base = [`t.shop_id = ?`, ...source.filters.map((filter) => `(${filter.sql})`)];
  const baseParams: unknown[] = [source.shopId, ...source.filters.flatMap((filter) => filter.params)];

  // "After" in the requested order is ">" when ascending.
  const afterOp = ascending ? ">" : "<";
  const beforeOp = ascending ? "<" : ">";
  const positional = (op: string, cursor: { id: number; value: SqlSortValue }): SqlFragment => ({
    sql: `(${expression}, t.id) ${op} (?, ?)`,
    params: [cursor.value, cursor.id],
  });
  const bound = (cursor: string): { id: number; value: SqlSortValue } => {
    const decoded = decodeCursor(cursor);
    const value = source.sortKey.fromCursor(decoded.value);
    if (value === undefined) throw invalidCursor(cursor);
    return { id: decoded.id, value };
  };

  const bounds: SqlFragment[] = [];
  const after = args.after ? bound(args.after) : null;
  const before = args.before ? bound(args.before) : null;
  if (after) bounds.push(positional(afterOp, after));
  if (before) bounds.push(positional(beforeOp, before));

  const select = (extra: SqlFragment[], descending: boolean, limit: number): SqlRow[] => {
    const where = [...base, ...extra.map((fragment) => fragment.sql)].join(" AND ");
    const params = [...baseParams, ...extra.flatMap((fragment) => fragment.params), limit];
    const direction = descending ? "DESC" : "ASC";
    return source.db
      .prepare(
        `SELECT t.id AS id, ${expression} AS sort_value, t.data AS data FROM ${source.table} t WHERE ${where}
         ORDER BY sort_value ${direction}, t.id ${direction} LIMIT ?`,
      )
      .all(...params) as SqlRow[];
  };
  const exists = (extra: SqlFragment[]): boolean => {
    const where = [...base, ...extra.map((fragment) => fragment.sql)].join(" AND ");
    const params = [...baseParams, ...extra.flatMap((fragment) => fragment.params)];
    return source.db.prepare(`SELECT 1 FROM ${source.table} t WHERE ${where} LIMIT 1`).get(...params) !== undefined;
  };

  let rows: SqlRow[];
  let hasMore: boolean;
  if (size === 0) {
    rows = [];
    hasMore = false;
  } else if (!backward) {
    rows = select(bounds, !ascending, size + 1);
    hasMore = rows.length > size;
    rows = rows.slice(0, size);
  } else {
    rows = select(bounds, ascending, size + 1);
    hasMore = rows.length > size;
    rows = rows.slice(0, size).reverse();
  }

  const cursorOf = (row: SqlRow) => ({ id: row.id, value: row.sort_value });
  const firstRow = rows[0];
  const lastRow = rows[rows.length - 1];
  const anyBefore = (): boolean => {
    if (firstRow) return exists([positional(beforeOp, cursorOf(firstRow))]);
    if (after) return exists([positional(beforeOp === "<" ? "<=" : ">=", after)]);
    return false;
  };
  const anyAfter = (): boolean => {
    if (lastRow) return exists([positional(afterOp, cursorOf(lastRow))]);
    if (before) return exists([positional(afterOp === ">" ? ">=" : "<=", before)]);
    return false;
  };
  const hasNextPage = backward ? anyAfter() : hasMore;
  const hasPreviousPage = backward ? hasMore : anyBefore();
  return buildConnection(
    typeName,
    rows.map((row) => ({
      node: toNode(row.data),
      cursor: encodeCursor(row.id, source.sortKey.toCursor(row.sort_value, source.cursorSource)),
    })),
    hasNextPage,
    hasPreviousPage,
  );
}

/**
 * Pagination over a short in-memory list already in its natural order (line items, variants, addresses).
 * Cursors carry the position, which is stable because these lists only change with their parent.
 */
export function listConnection<N>(
  typeName: string,
  items: { id: number; node: N }[],
  args: ConnectionArgs,
): Connection<N> {
  const { size, backward } = pageWindow(args);
  const ordered = items.map((item, position) => ({ ...item, position }));
  if (args.reverse) ordered.reverse();
  const indexOf = (cursor: string): number => {
    const decoded = decodeCursor(cursor);
    const found = ordered.findIndex((item) => item.id === decoded.id);
    return found === -1 ? Number(decoded.value) : found;
  };
  let start = 0;
  let end = ordered.length;
  if (args.after) start = Math.max(start, indexOf(args.after) + 1);
  if (args.before) end = Math.min(end, indexOf(args.before));
  const window = ordered.slice(start, Math.max(start, end));
  const page = backward ? window.slice(Math.max(0, window.length - size)) : window.slice(0, size);
  const pageStart = start + (backward ? Math.max(0, window.length - size) : 0);
  const pageEnd = pageStart + page.length;
  return buildConnection(
    typeName,
    page.map((item) => ({ node: item.node, cursor: encodeCursor(item.id, item.position) })),
    pageEnd < ordered.length,
    pageStart > 0,
  );
}

export interface CountArgs {
  limit?: number | null;
}

/** `*Count` roots: capped at `limit` (default 10,000) with precision AT_LEAST beyond it; `limit: null` is exact. */
export function countRows(
  db: Database.Database,
  table: Table,
  shopId: number,
  filters: SqlFragment[],
  args: CountArgs,
): { __typename: "Count"; count: number; precision: "EXACT" | "AT_LEAST" } {
  const where = [`t.shop_id = ?`, ...filters.map((filter) => `(${filter.sql})`)].join(" AND ");
  const params: unknown[] = [shopId, ...filters.flatMap((filter) => filter.params)];
  const limit = args.limit === undefined ? 10_000 : args.limit;
  if (limit === null) {
    const row = db.prepare(`SELECT COUNT(*) AS n FROM ${table} t WHERE ${where}`).get(...params) as { n: number };
    return { __typename: "Count", count: row.n, precision: "EXACT" };
  }
  const row = db
    .prepare(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} t WHERE ${where} LIMIT ?)`)
    .get(...params, limit + 1) as { n: number };
  return row.n > limit
    ? { __typename: "Count", count: limit, precision: "AT_LEAST" }
    : { __typename: "Count", count: row.n, precision: "EXACT" };
}
