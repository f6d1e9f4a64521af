/**
 * The insert ceiling of the sync benchmark: the fastest plain load of the order rows a backfill stores, into a
 * fresh database, with the rows already parsed (parsing is not timed). SQLite: one prepared INSERT per table, all
 * rows in one transaction, with the journal and syncing off. PostgreSQL: `COPY … FROM STDIN` per table (text
 * format) in one transaction. Only the loading is timed; what the app does besides (download, parse, conflict
 * handling, metrics) is what the benchmark compares against it.
 */
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import Database from "better-sqlite3";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import {
  COLLECTION_COLUMNS,
  DISCOUNT_CODE_COLUMNS,
  LINE_ITEM_COLUMNS,
  ORDER_COLUMNS,
  REFUND_COLUMNS,
  orderChildRows,
  orderRow,
  type Param,
} from "../../app/db/sync/fact-rows.js";
import type { OrderFacts } from "../../app/domain/sync/sync-records.js";

export interface CeilingResult {
  orders: number;
  seconds: number;
}

const TABLES = [
  { name: "SyncedOrder", columns: ORDER_COLUMNS },
  { name: "SyncedLineItem", columns: LINE_ITEM_COLUMNS },
  { name: "SyncedLineItemCollection", columns: COLLECTION_COLUMNS },
  { name: "SyncedRefund", columns: REFUND_COLUMNS },
  { name: "SyncedOrderDiscountCode", columns: DISCOUNT_CODE_COLUMNS },
] as const;

/** A batch of orders as the rows of each table, in `TABLES` order. */
function tableRows(shop: string, orders: readonly OrderFacts[]): Param[][][] {
  const children = orderChildRows(shop, orders);
  return [
    orders.map((order) => orderRow(shop, order, order.customerId)),
    children.lineItems,
    children.collections,
    children.refunds,
    children.codes,
  ];
}

/** One field in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyField(value: Param): string {
  if (value === null) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value !== "string") return String(value);
  // NUL cannot be stored in PostgreSQL text; the app's writers drop it the same way.
  return value
    .replaceAll("\u0000", "")
    .replaceAll("\\", "\\\\")
    .replaceAll("\t", "\\t")
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
}

/** Rows as COPY text-format lines. */
export function copyText(rows: readonly Param[][]): string {
  let text = "";
  for (const row of rows) text += `${row.map(copyField).join("\t")}\n`;
  return text;
}

export async function sqliteCeiling(
  filename: string,
  shop: string,
  batches: AsyncIterable<OrderFacts[]>,
): Promise<CeilingResult> {
  const db = new Database(filename);
  try {
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.pragma("locking_mode = EXCLUSIVE");
    const inserts = TABLES.map(({ name, columns }) =>
      db.prepare(
        `INSERT INTO "${name}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      ),
    );
    let seconds = 0;
    let orders = 0;
    const timed = (work: () => void) => {
      const started = performance.now();
      work();
      seconds += (performance.now() - started) / 1000;
    };
    timed(() => db.exec("BEGIN"));
    for await (const batch of batches) {
      const rows = tableRows(shop, batch);
      timed(() => {
        rows.forEach((tableRows, t) => {
          // better-sqlite3 binds booleans as Prisma stores them on SQLite: 1 and 0.
          for (const row of tableRows) inserts[t]!.run(row.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)));
        });
      });
      orders += batch.length;
    }
    timed(() => db.exec("COMMIT"));
    return { orders, seconds };
  } finally {
    db.close();
  }
}

/**
 * The rows go to one COPY file per table first (untimed, as parsing is), then each file is copied in, all in one
 * transaction: one COPY stream per table, as a bulk load would.
 */
export async function postgresCeiling(
  connectionString: string,
  schema: string,
  shop: string,
  batches: AsyncIterable<OrderFacts[]>,
  workDir: string,
): Promise<CeilingResult> {
  const files = TABLES.map(({ name }) => join(workDir, `${name}.copy`));
  const streams: WriteStream[] = files.map((file) => createWriteStream(file));
  let orders = 0;
  for await (const batch of batches) {
    const rows = tableRows(shop, batch);
    await Promise.all(
      rows.map((tableRows, t) =>
        streams[t]!.write(copyText(tableRows))
          ? Promise.resolve()
          : new Promise<void>((drained) => streams[t]!.once("drain", () => drained())),
      ),
    );
    orders += batch.length;
  }
  await Promise.all(streams.map((stream) => new Promise<void>((closed) => stream.end(() => closed()))));

  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const started = performance.now();
    await client.query("BEGIN");
    for (const [t, { name, columns }] of TABLES.entries()) {
      const sql = `COPY "${schema}"."${name}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
      await pipeline(createReadStream(files[t]!), client.query(copyFrom(sql)));
    }
    await client.query("COMMIT");
    return { orders, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}
