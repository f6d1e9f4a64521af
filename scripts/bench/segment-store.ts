/**
 * The store the segments benchmark evaluates: N customers with their metrics, tags and purchases, generated in the
 * database by set-based SQL (PostgreSQL `generate_series`, SQLite a recursive CTE), not synced — the sync has its
 * own benchmark. Every value derives from the customer's number through a fixed hash, so a run of the same size
 * holds the same store on either database.
 *
 * Distributions: 30 % of customers never ordered; of the others about 55 % ordered once, the rest 2 to 21 times
 * (few order often); average order values skewed toward 15–60 (up to 300); last orders over 3 years, more of them
 * recent; 5 % with a cancelled order, 8 % refunded, 30 % using discount codes; email and SMS consent, countries
 * (US first), a few tags; per ordering customer 1–3 products, 1–2 collections and a vendor, the popular ones more
 * often.
 */
import type { Database } from "../../app/db/client.server.js";
import { segmentDialectFor } from "../../app/db/segments/segment-dialect.server.js";

export interface StoreCounts {
  customers: number;
  metrics: number;
  tags: number;
  purchases: number;
  seconds: number;
}

const PRIME = 2147483647;
/**
 * A uniform value in [0, 1) from `i` and the salt `k`, the same in both SQLs: x = (i·a + c) mod p, squared mod p
 * (the square keeps the draws of different salts from lining up; p² fits in 64 bits).
 */
const uniform = (k: number, real: string) => {
  const x = `((i * ${48271 + k * 7919} + ${1013904223 + k * 104729}) % ${PRIME})`;
  return `(CAST((${x} * ${x}) % ${PRIME} AS ${real}) / ${PRIME})`;
};

const DAY_SECONDS = 86_400;
const THREE_YEARS_SECONDS = 3 * 365 * DAY_SECONDS;
const COUNTRIES: [number, string | null][] = [
  [0.45, "US"],
  [0.55, "CA"],
  [0.64, "GB"],
  [0.71, "DE"],
  [0.77, "FR"],
  [0.82, "AU"],
  [0.86, "NL"],
  [0.89, "SE"],
  [0.92, "JP"],
  [0.95, "ES"],
  [1, null],
];
const VENDORS = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne"];

const cases = (u: string, steps: [number, string | null][]) =>
  `CASE ${steps.map(([below, value]) => `WHEN ${u} < ${below} THEN ${value === null ? "NULL" : `'${value}'`}`).join(" ")} END`;

export async function fillSegmentStore(
  db: Database,
  url: string,
  shop: string,
  customers: number,
  now: Date,
): Promise<StoreCounts> {
  if (!Number.isSafeInteger(customers) || customers < 1) throw new Error(`Not a customer count: ${customers}`);
  if (!/^[a-z0-9.-]+$/.test(shop)) throw new Error(`Not a shop domain: ${shop}`);
  const dialect = segmentDialectFor(url);
  const T = dialect.table;
  const sqlite = dialect.provider === "sqlite";
  const nowSeconds = Math.floor(now.getTime() / 1000);
  /** The stored instant `seconds` (an SQL expression) before now: SQLite's text form, a PostgreSQL timestamp. */
  const ago = (seconds: string) =>
    sqlite
      ? `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', ${nowSeconds} - (${seconds}), 'unixepoch')`
      : `(to_timestamp(${nowSeconds} - (${seconds})) AT TIME ZONE 'UTC')::timestamp(3)`;
  // Truncation on both (PostgreSQL's CAST rounds); every value truncated here is non-negative.
  const integer = (expression: string) =>
    sqlite ? `CAST(${expression} AS INTEGER)` : `CAST(floor(${expression}) AS BIGINT)`;
  const numbers = sqlite
    ? `WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers WHERE i < ${customers}) SELECT i FROM numbers`
    : `SELECT i FROM generate_series(CAST(1 AS BIGINT), ${customers}) AS i`;
  const run = (sql: string) => db.$executeRawUnsafe(sql);
  const started = performance.now();

  const seed = T("BenchCustomerSeed");
  await run(`DROP TABLE IF EXISTS ${seed}`);
  // One row per customer with its drawn values; every table below is filled from it.
  await run(`CREATE TABLE ${seed} AS SELECT i,
      CAST(${7_000_000_000_000} + i AS TEXT) AS "customerId",
      CASE WHEN u1 < 0.3 THEN 0 WHEN u1 < 0.685 THEN 1 ELSE 2 + ${integer("20 * u2 * u2 * u2 * u2")} END AS "orders",
      CASE WHEN u1 >= 0.3 AND u3 < 0.05 THEN 1 ELSE 0 END AS "cancelled",
      ${integer("(15 + 285 * u4 * u4 * u4) * 100")} AS "aovCents",
      CASE WHEN u5 < 0.08 THEN 1 ELSE 0 END AS "refunded",
      ${integer(`${THREE_YEARS_SECONDS} * u6 * u6`)} AS "lastAgo",
      ${integer(`${THREE_YEARS_SECONDS} * u7`)} AS "span",
      CASE WHEN u8 < 0.3 THEN 1 ELSE 0 END AS "discounts",
      u9 AS "discountShare",
      ${cases("u10", [
        [0.45, "SUBSCRIBED"],
        [0.75, "NOT_SUBSCRIBED"],
        [0.9, "UNSUBSCRIBED"],
        [0.95, "PENDING"],
        [1, null],
      ])} AS "email",
      ${cases("u11", [
        [0.15, "SUBSCRIBED"],
        [0.85, "NOT_SUBSCRIBED"],
        [1, null],
      ])} AS "sms",
      ${cases("u12", COUNTRIES)} AS "country",
      u13 AS "place",
      CASE WHEN (u4 > 0.8 AND u1 >= 0.685) OR u14 < 0.02 THEN 1 ELSE 0 END AS "vip",
      CASE WHEN u14 >= 0.02 AND u14 < 0.05 THEN 1 ELSE 0 END AS "wholesale",
      CASE WHEN u15 < 0.2 THEN 1 ELSE 0 END AS "newsletter",
      u16 AS "pick"
    FROM (SELECT i, ${Array.from({ length: 16 }, (_, k) => `${uniform(k + 1, sqlite ? "REAL" : "DOUBLE PRECISION")} AS u${k + 1}`).join(", ")}
      FROM (${numbers}) numbers) drawn`);

  const net = `(s."orders" - s."cancelled")`;
  const gross = `(s."aovCents" * 100 * ${net})`;
  const refunded = `(CASE WHEN s."refunded" = 1 THEN s."aovCents" * 50 ELSE 0 END)`;
  const hasNet = `${net} > 0`;
  const lastAt = ago(`s."lastAgo"`);
  const firstAt = ago(
    `s."lastAgo" + CASE WHEN s."orders" > 1 THEN s."span" * (${THREE_YEARS_SECONDS} - s."lastAgo") / ${THREE_YEARS_SECONDS} ELSE 0 END`,
  );
  const tagsJson = `'[' || substr(CASE WHEN s."vip" = 1 THEN ',"vip"' ELSE '' END
      || CASE WHEN s."wholesale" = 1 THEN ',"wholesale"' ELSE '' END
      || CASE WHEN s."newsletter" = 1 THEN ',"newsletter"' ELSE '' END, 2) || ']'`;
  const province = `CASE WHEN s."country" = 'US' THEN ${cases('s."place"', [
    [0.3, "CA"],
    [0.5, "NY"],
    [0.7, "TX"],
    [1, "WA"],
  ])} WHEN s."country" = 'CA' THEN ${cases('s."place"', [
    [0.5, "ON"],
    [1, "QC"],
  ])} ELSE NULL END`;
  const city = `CASE WHEN s."country" = 'US' AND s."place" < 0.3 THEN 'Los Angeles' WHEN s."country" = 'US' AND s."place" < 0.5
      THEN 'New York' WHEN s."country" = 'CA' AND s."place" >= 0.5 THEN 'Montréal' WHEN s."country" = 'FR' THEN 'Paris' ELSE NULL END`;

  const metrics =
    await run(`INSERT INTO ${T("CustomerMetrics")} ("shop", "customerId", "orderCount", "cancelledOrderCount",
      "netOrderCount", "grossSpend", "refundedAmount", "netSpend", "averageOrderValue", "firstOrderAt", "lastOrderAt",
      "refundCount", "discountCodeUseCount", "distinctDiscountCodeCount", "emailMarketing", "smsMarketing", "tags",
      "countryCode", "provinceCode", "city")
    SELECT '${shop}', s."customerId", s."orders", s."cancelled", ${net},
      CASE WHEN ${hasNet} THEN ${gross} ELSE 0 END,
      CASE WHEN ${hasNet} THEN ${refunded} ELSE 0 END,
      CASE WHEN ${hasNet} THEN ${gross} - ${refunded} ELSE 0 END,
      CASE WHEN ${hasNet} THEN (${gross} - ${refunded}) / ${net} ELSE 0 END,
      CASE WHEN s."orders" > 0 THEN ${firstAt} ELSE NULL END,
      CASE WHEN s."orders" > 0 THEN ${lastAt} ELSE NULL END,
      CASE WHEN ${hasNet} AND s."refunded" = 1 THEN 1 ELSE 0 END,
      CASE WHEN s."discounts" = 1 THEN ${integer(`s."discountShare" * s."orders"`)} ELSE 0 END,
      CASE WHEN s."discounts" = 1 AND ${integer(`s."discountShare" * s."orders"`)} > 0 THEN 1 ELSE 0 END,
      s."email", s."sms", ${tagsJson}, s."country", ${province}, ${city}
    FROM ${seed} s`);

  await run(`INSERT INTO ${T("SyncedCustomer")} ("shop", "id", "createdAt", "updatedAt", "state", "tags",
      "emailMarketing", "smsMarketing", "countryCode", "provinceCode", "city")
    SELECT m."shop", m."customerId", COALESCE(m."firstOrderAt", ${ago(`s."span"`)}), ${ago("0")}, 'ENABLED', m."tags",
      m."emailMarketing", m."smsMarketing", m."countryCode", m."provinceCode", m."city"
    FROM ${T("CustomerMetrics")} m JOIN ${seed} s ON s."customerId" = m."customerId" WHERE m."shop" = '${shop}'`);

  const tags = await run(`INSERT INTO ${T("CustomerTag")} ("shop", "customerId", "tag")
    SELECT '${shop}', "customerId", 'vip' FROM ${seed} WHERE "vip" = 1
    UNION ALL SELECT '${shop}', "customerId", 'wholesale' FROM ${seed} WHERE "wholesale" = 1
    UNION ALL SELECT '${shop}', "customerId", 'newsletter' FROM ${seed} WHERE "newsletter" = 1`);

  // Keys distinct per customer by construction (steps coprime with the catalogue size), popular keys drawn more.
  const purchaseOrders = `1 + ${integer(`s."pick" * ${net}`)}`;
  const rank = (size: number) => integer(`${size} * s."pick" * s."pick"`);
  const purchases = await run(`INSERT INTO ${T("CustomerPurchase")} ("shop", "customerId", "kind", "key", "orderCount",
      "quantity", "amount", "firstAt", "lastAt")
    SELECT m."shop", m."customerId", p."kind", p."key", p."orders", p."orders" + p."k" - 1,
      s."aovCents" * 40 * p."orders", m."firstOrderAt", m."lastOrderAt"
    FROM ${T("CustomerMetrics")} m JOIN ${seed} s ON s."customerId" = m."customerId"
    JOIN (
      SELECT s."customerId", 'product' AS "kind", CAST(80001 + (${rank(200)} + k.k * 67) % 200 AS TEXT) AS "key",
        ${purchaseOrders} AS "orders", k.k
      FROM ${seed} s, (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3) k WHERE k.k <= 1 + s.i % 3 AND ${hasNet}
      UNION ALL
      SELECT s."customerId", 'collection', CAST(60001 + (${rank(30)} + k.k * 11) % 30 AS TEXT), ${purchaseOrders}, k.k
      FROM ${seed} s, (SELECT 1 AS k UNION ALL SELECT 2) k WHERE k.k <= 1 + s.i % 2 AND ${hasNet}
      UNION ALL
      SELECT s."customerId", 'vendor', CASE ${VENDORS.map((vendor, index) => `WHEN s.i % ${VENDORS.length} = ${index} THEN '${vendor}'`).join(" ")} END,
        ${purchaseOrders}, 1
      FROM ${seed} s WHERE ${hasNet}
    ) p ON p."customerId" = m."customerId"
    WHERE m."shop" = '${shop}'`);

  await run(`DROP TABLE ${seed}`);
  // The tables filled, as the sync analyzes its facts after a backfill. Not the segment tables: analyzed empty,
  // PostgreSQL would plan every membership check as a scan of all the segment's members so far.
  for (const table of ["SyncedCustomer", "CustomerMetrics", "CustomerTag", "CustomerPurchase"]) {
    await run(`ANALYZE ${T(table)}`);
  }
  return {
    customers,
    metrics,
    tags,
    purchases,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}
