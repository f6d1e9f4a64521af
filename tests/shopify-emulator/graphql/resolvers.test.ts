import { beforeEach, describe, expect, it } from "vitest";
import type { StoreChange } from "../store/store.js";
import type { CustomerRecord } from "../store/types.js";
import { searchWarnings } from "./resolvers/index.js";
import {
  createTestEnv,
  makeCustomer,
  makeOrder,
  makeProduct,
  seededRandom,
  type TestEnv,
} from "./resolvers/test-helpers.js";

let env: TestEnv;
beforeEach(() => {
  env = createTestEnv();
});

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;

describe("shop", () => {
  it("given a shop on the Plus plan, when the app reads shop, then it answers the shop's own record", async () => {
    const result = await env.run(
      env.shopB,
      `{ shop { id name email myshopifyDomain currencyCode ianaTimezone createdAt
         plan { partnerDevelopment shopifyPlus publicDisplayName } primaryDomain { host url } billingAddress { countryCodeV2 } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.shop).toEqual({
      id: gid("Shop", env.shopB.id),
      name: "beta",
      email: "owner@beta.example",
      myshopifyDomain: "beta.myshopify.com",
      currencyCode: "CAD",
      ianaTimezone: "America/New_York",
      createdAt: "2026-06-01T12:00:00Z",
      plan: { partnerDevelopment: false, shopifyPlus: true, publicDisplayName: "Plus" },
      primaryDomain: { host: "beta.myshopify.com", url: "https://beta.myshopify.com" },
      billingAddress: { countryCodeV2: "US" },
    });
  });
});

// ---- pagination -------------------------------------------------------------------------------------------

type SortKey = "ID" | "RELEVANCE" | "UPDATED_AT" | "CREATED_AT" | "NAME" | "LOCATION";
const SORT_KEYS: readonly SortKey[] = ["ID", "RELEVANCE", "UPDATED_AT", "CREATED_AT", "NAME", "LOCATION"];

/** A time in one of the text forms the store holds: Shopify's ("…:31Z", from captures) or ours ("…:31.250Z"). */
function randomTime(random: () => number, base: number, days: number, varied: boolean): string {
  const day = base + Math.floor(random() * days) * 86_400_000;
  if (!varied) return new Date(day).toISOString();
  // A few seconds and milliseconds so that sub-second order and whole-second ties both occur.
  const instant = day + Math.floor(random() * 3) * 1000 + (random() < 0.5 ? 0 : Math.floor(random() * 1000));
  const iso = new Date(instant).toISOString();
  return instant % 1000 === 0 && random() < 0.5 ? iso.replace(".000Z", "Z") : iso;
}

function randomAddress(random: () => number, id: number): CustomerRecord["addresses"][number] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return {
    id,
    firstName: null,
    lastName: null,
    company: null,
    address1: null,
    address2: null,
    city: pick(["Ottawa", "toronto", "Lyon", "", null]),
    province: pick(["Ontario", "ontario", "Rhône", "", null]),
    provinceCode: null,
    country: pick(["Canada", "France", "", null]),
    countryCode: null,
    zip: null,
    phone: null,
  };
}

function seedRandomCustomers(count: number, seed: number, options: { varied?: boolean } = {}): CustomerRecord[] {
  const random = seededRandom(seed);
  const varied = options.varied ?? false;
  const names = ["Ng", "Smith", "adams", "Zed", null];
  const customers: CustomerRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    // Few distinct timestamps so ties are common and the id tiebreak is exercised.
    const updated = randomTime(random, Date.UTC(2026, 0, 1), 5, varied);
    const created = randomTime(random, Date.UTC(2025, 0, 1), 4, varied);
    const addresses = varied && random() < 0.7 ? [randomAddress(random, env.store.nextId())] : [];
    customers.push(
      makeCustomer(env.store, env.shopA.id, {
        lastName: names[Math.floor(random() * names.length)]!,
        firstName: random() < 0.5 ? "Bo" : "al",
        updatedAt: updated,
        createdAt: created,
        tags: random() < 0.3 ? ["vip"] : [],
        state: random() < 0.5 ? "ENABLED" : "DISABLED",
        addresses,
        defaultAddressId: addresses[0]?.id ?? null,
      }),
    );
  }
  return customers;
}

type Source = "database" | "search";

/**
 * The order Shopify's captures show: ids and names as is; timestamps by instant (whole seconds in the search
 * index); LOCATION by lower-cased country, province, city with a missing or empty part after every present one.
 */
function referenceSort(
  customers: CustomerRecord[],
  key: SortKey,
  reverse: boolean,
  source: Source = "database",
): number[] {
  const time = (text: string) => {
    const ms = Date.parse(text);
    return source === "search" ? Math.floor(ms / 1000) * 1000 : ms;
  };
  const value = (c: CustomerRecord): (string | number)[] => {
    switch (key) {
      case "ID":
      case "RELEVANCE":
        return [c.id];
      case "UPDATED_AT":
        return [time(c.updatedAt)];
      case "CREATED_AT":
        return [time(c.createdAt)];
      case "NAME":
        return [`${c.lastName ?? ""}, ${c.firstName ?? ""}`.toLowerCase()];
      case "LOCATION": {
        const address = c.addresses.find((a) => a.id === c.defaultAddressId);
        // [missing?, part] per part: present parts (0) before missing or empty ones (1).
        return [address?.country, address?.province, address?.city].flatMap((part) =>
          part ? [0, part.toLowerCase()] : [1, ""],
        );
      }
    }
  };
  const sorted = [...customers].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    for (let i = 0; i < x.length; i += 1) {
      if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    }
    return a.id - b.id;
  });
  if (reverse) sorted.reverse();
  return sorted.map((c) => c.id);
}

const PAGE_QUERY = `query Page($first: Int, $last: Int, $after: String, $before: String, $sortKey: CustomerSortKeys, $reverse: Boolean, $query: String) {
  customers(first: $first, last: $last, after: $after, before: $before, sortKey: $sortKey, reverse: $reverse, query: $query) {
    edges { cursor node { id } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await env.run(env.shopA, PAGE_QUERY, variables);
  expect(result.errors).toBeUndefined();
  return result.data!.customers as Page;
}

const idOf = (node: { id: string }) => Number(node.id.split("/").pop());

describe("customers pagination", () => {
  it("given random customers with tied sort values, when paging forward and backward by every sort key, then pages match a reference sort", async () => {
    const customers = seedRandomCustomers(47, 7, { varied: true });
    // No query: Shopify's database answers; a query other than id: its search index (whole-second timestamps).
    for (const [source, query] of [
      ["database", null],
      ["search", "state:enabled OR state:disabled"],
    ] as const) {
      for (const sortKey of SORT_KEYS) {
        for (const reverse of [false, true]) {
          const expected = referenceSort(customers, sortKey, reverse, source);
          for (const size of [1, 6, 50]) {
            const forward: number[] = [];
            let after: string | null = null;
            let pages = 0;
            for (;;) {
              const current: Page = await page({ first: size, after, sortKey, reverse, query });
              forward.push(...current.nodes.map(idOf));
              expect(current.edges.map((edge) => idOf(edge.node))).toEqual(current.nodes.map(idOf));
              expect(current.pageInfo.hasPreviousPage).toBe(pages > 0);
              pages += 1;
              if (!current.pageInfo.hasNextPage) break;
              after = current.pageInfo.endCursor;
            }
            expect({ source, sortKey, reverse, size, ids: forward }).toEqual({
              source,
              sortKey,
              reverse,
              size,
              ids: expected,
            });

            const backward: number[] = [];
            let before: string | null = null;
            for (;;) {
              const current: Page = await page({ last: size, before, sortKey, reverse, query });
              backward.unshift(...current.nodes.map(idOf));
              if (!current.pageInfo.hasPreviousPage) break;
              before = current.pageInfo.startCursor;
            }
            expect({ source, sortKey, reverse, size, ids: backward }).toEqual({
              source,
              sortKey,
              reverse,
              size,
              ids: expected,
            });
          }
        }
      }
    }
  });

  it("given a cursor, when a customer before it is added, then the next page continues from the same place", async () => {
    const customers = seedRandomCustomers(10, 3);
    const first = await page({ first: 4, sortKey: "ID" });
    makeCustomer(env.store, env.shopA.id, { id: 1 });
    const second = await page({ first: 4, after: first.pageInfo.endCursor, sortKey: "ID" });
    const ids = customers.map((c) => c.id).sort((a, b) => a - b);
    expect(second.nodes.map(idOf)).toEqual(ids.slice(4, 8));
  });

  it("given no first or last, or both, or more than 250, when listing, then Shopify's errors come back", async () => {
    const none = await env.run(env.shopA, "{ customers { nodes { id } } }");
    expect(none.errors?.[0]?.message).toBe("you must provide one of first or last");
    expect(none.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    const both = await env.run(env.shopA, "{ customers(first: 1, last: 1) { nodes { id } } }");
    expect(both.errors?.[0]?.message).toBe("providing both first and last is not supported");
    const tooMany = await env.run(env.shopA, "{ customers(first: 251) { nodes { id } } }");
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    const max = await env.run(env.shopA, "{ customers(first: 250) { nodes { id } } }");
    expect(max.errors).toBeUndefined();
  });

  it("given Shopify's cursor shape, when reading a cursor, then it is base64 JSON of last_id and last_value", async () => {
    const [customer] = seedRandomCustomers(1, 1);
    const current = await page({ first: 1, sortKey: "ID" });
    expect(JSON.parse(Buffer.from(current.edges[0]!.cursor, "base64").toString())).toEqual({
      last_id: customer!.id,
      last_value: String(customer!.id),
    });
  });

  // Cursors copied from the captures (customers-catalog, customers-search, customers-sort-keys, order-catalog-count,
  // tags-add-parity), with the records they were recorded on.
  const CAPTURED_CURSORS = [
    {
      name: "customers sorted by ID without a query (database: the id as a string)",
      query: `{ customers(first: 1) { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjo5NTIyMjA2OTMzMjk4LCJsYXN0X3ZhbHVlIjoiOTUyMjIwNjkzMzI5OCJ9",
      seed: () => makeCustomer(env.store, env.shopA.id, { id: 9522206933298 }),
    },
    {
      name: "customers sorted by UPDATED_AT with a query (search index: epoch milliseconds)",
      query: `{ customers(first: 1, query: "state:disabled", sortKey: UPDATED_AT, reverse: true) { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjoxMDg4NTQ0MDk5NTYzNCwibGFzdF92YWx1ZSI6MTc4MzA1ODIzODAwMH0=",
      seed: () => makeCustomer(env.store, env.shopA.id, { id: 10885440995634, updatedAt: "2026-07-03T05:57:18Z" }),
    },
    {
      name: "customers sorted by NAME without names",
      query: `{ customers(first: 1, sortKey: NAME) { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjoxMDU0MDcxMzQxMDg2NiwibGFzdF92YWx1ZSI6IiwgIn0=",
      seed: () => makeCustomer(env.store, env.shopA.id, { id: 10540713410866, firstName: null, lastName: null }),
    },
    {
      name: "customers sorted by LOCATION (an array of lower-cased parts; no address sorts after one)",
      query: `{ customers(first: 1, sortKey: LOCATION) { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjoxMDU0MDI5NDA0NjAwMiwibGFzdF92YWx1ZSI6WyJjYW5hZGEiLCJvbnRhcmlvIiwib3R0YXdhIl19",
      seed: () => {
        const address = { ...randomAddress(() => 0, 1), country: "Canada", province: "Ontario", city: "Ottawa" };
        makeCustomer(env.store, env.shopA.id, { id: 2 });
        makeCustomer(env.store, env.shopA.id, { id: 10540294046002, addresses: [address], defaultAddressId: 1 });
      },
    },
    {
      name: "orders sorted by CREATED_AT with a tag query (search index: epoch milliseconds)",
      query: `{ orders(first: 1, query: "tag:x", sortKey: CREATED_AT, reverse: true) { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjo4ODM3OTkxNzI3NDEwLCJsYXN0X3ZhbHVlIjoxNzgyMTY3NjQwMDAwfQ==",
      seed: () =>
        makeOrder(env.store, env.shopA.id, { id: 8837991727410, tags: ["x"], createdAt: "2026-06-22T22:34:00Z" }),
    },
    {
      name: "products sorted by ID with a query (search index: the id as a number)",
      query: `{ products(first: 1, query: "tag:x") { edges { cursor } } }`,
      cursor: "eyJsYXN0X2lkIjoxMDIzMDc2OTg0NDUzMCwibGFzdF92YWx1ZSI6MTAyMzA3Njk4NDQ1MzB9",
      seed: () => makeProduct(env.store, env.shopA.id, { id: 10230769844530, tags: ["x"] }),
    },
  ];
  for (const captured of CAPTURED_CURSORS) {
    it(`given ${captured.name}, when listing, then the cursor equals Shopify's byte for byte`, async () => {
      captured.seed();
      const result = await env.run(env.shopA, captured.query);
      expect(result.errors).toBeUndefined();
      const connection = Object.values(result.data!)[0] as { edges: { cursor: string }[] };
      expect(connection.edges[0]!.cursor).toBe(captured.cursor);
    });
  }

  it("given orders sorted by CREATED_AT without a query, when listing, then the cursor holds a database timestamp and Shopify's own such cursor pages on", async () => {
    makeOrder(env.store, env.shopA.id, { id: 6834528944361, createdAt: "2026-04-24T23:51:30.272Z" });
    makeOrder(env.store, env.shopA.id, { id: 6834528944300, createdAt: "2026-04-24T23:51:30Z" });
    const query = `query($after: String) { orders(first: 1, after: $after, sortKey: CREATED_AT, reverse: true) {
      edges { cursor node { id } } } }`;
    const first = await env.run(env.shopA, query);
    const edges = (first.data!.orders as { edges: { cursor: string; node: { id: string } }[] }).edges;
    expect(JSON.parse(Buffer.from(edges[0]!.cursor, "base64").toString())).toEqual({
      last_id: 6834528944361,
      last_value: "2026-04-24 23:51:30.272000",
    });
    // From order-empty-state: microseconds, which the local Shopify reads to the millisecond.
    const shopifyCursor =
      "eyJsYXN0X2lkIjo2ODM0NTI4OTQ0MzYxLCJsYXN0X3ZhbHVlIjoiMjAyNi0wNC0yNCAyMzo1MTozMC4yNzIwNTIifQ==";
    const next = await env.run(env.shopA, query, { after: shopifyCursor });
    expect(next.errors).toBeUndefined();
    const nextEdges = (next.data!.orders as { edges: { node: { id: string } }[] }).edges;
    expect(nextEdges.map((edge) => edge.node.id)).toEqual([gid("Order", 6834528944300)]);
  });

  it("given a cursor whose last_value cannot be the sort key's, when paging, then an invalid-cursor error", async () => {
    seedRandomCustomers(3, 2);
    const forged = Buffer.from(JSON.stringify({ last_id: 1, last_value: ["a", "b", "c"] })).toString("base64");
    const result = await env.run(env.shopA, PAGE_QUERY, { first: 1, after: forged, sortKey: "UPDATED_AT" });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });
});

// ---- search -----------------------------------------------------------------------------------------------

type Predicate = (customer: CustomerRecord) => boolean;

/** Random queries from a small grammar with an in-JS reference predicate for each. */
function randomQuery(random: () => number, depth = 0): { text: string; matches: Predicate } {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (depth < 2 && roll < 0.25) {
    const left = randomQuery(random, depth + 1);
    const right = randomQuery(random, depth + 1);
    return { text: `(${left.text} OR ${right.text})`, matches: (c) => left.matches(c) || right.matches(c) };
  }
  if (depth < 2 && roll < 0.45) {
    const left = randomQuery(random, depth + 1);
    const right = randomQuery(random, depth + 1);
    return { text: `${left.text} AND ${right.text}`, matches: (c) => left.matches(c) && right.matches(c) };
  }
  if (depth < 2 && roll < 0.55) {
    const inner = randomQuery(random, depth + 1);
    return { text: `-(${inner.text})`, matches: (c) => !inner.matches(c) };
  }
  const leaf = pick(["tag", "-tag", "state", "updated_at", "id", "country"]);
  switch (leaf) {
    case "tag":
      return { text: "tag:VIP", matches: (c) => c.tags.some((t) => t.toLowerCase() === "vip") };
    case "-tag":
      return { text: "-tag:vip", matches: (c) => !c.tags.some((t) => t.toLowerCase() === "vip") };
    case "state":
      return { text: "state:enabled", matches: (c) => c.state === "ENABLED" };
    case "country": {
      return {
        text: "country:CA",
        matches: (c) => c.addresses.some((a) => a.countryCode === "CA"),
      };
    }
    case "updated_at": {
      const op = pick([">", ">=", "<", "<="]);
      const day = `2026-01-0${1 + Math.floor(random() * 5)}`;
      const start = `${day}T00:00:00.000Z`;
      const end = new Date(new Date(start).getTime() + 86_400_000).toISOString();
      const matches: Predicate =
        op === ">"
          ? (c) => c.updatedAt >= end
          : op === ">="
            ? (c) => c.updatedAt >= start
            : op === "<"
              ? (c) => c.updatedAt < start
              : (c) => c.updatedAt < end;
      return { text: `updated_at:${op}'${day}'`, matches };
    }
    default: {
      return { text: "id:>0", matches: () => true };
    }
  }
}

describe("customers search", () => {
  it("given random customers, when searching with random queries, then results equal an in-JS reference filter", async () => {
    const customers = seedRandomCustomers(40, 11);
    const random = seededRandom(99);
    for (const customer of customers.filter(() => random() < 0.4)) {
      env.store.putCustomer(
        env.shopA.id,
        {
          ...customer,
          addresses: [
            {
              id: env.store.nextId(),
              firstName: null,
              lastName: null,
              company: null,
              address1: null,
              address2: null,
              city: "Ottawa",
              province: "Ontario",
              provinceCode: "ON",
              country: "Canada",
              countryCode: "CA",
              zip: null,
              phone: null,
            },
          ],
        },
        { silent: true },
      );
    }
    const current = customers.map((c) => env.store.getCustomer(env.shopA.id, c.id)!);
    const sizes = new Set<number>();
    for (let i = 0; i < 60; i += 1) {
      const { text, matches } = randomQuery(random);
      const expected = referenceSort(current.filter(matches), "ID", false);
      const result = await page({ first: 250, query: text, sortKey: "ID" });
      expect({ text, ids: result.nodes.map(idOf) }).toEqual({ text, ids: expected });
      sizes.add(expected.length);
    }
    // The generator must exercise selective queries, not just "all" or "none".
    expect(sizes.size).toBeGreaterThan(5);
  });

  it("given an email query, when searching and counting, then customers filter but customersCount ignores it with a warning as Shopify does", async () => {
    makeCustomer(env.store, env.shopA.id, { email: "grace@example.com" });
    makeCustomer(env.store, env.shopA.id, { email: "ada@example.com" });
    const context = env.context(env.shopA);
    const { graphql } = await import("graphql");
    const { adminSchema, minimalFieldResolver } = await import("./resolvers/test-helpers.js");
    const { buildRootResolvers } = await import("./resolvers/index.js");
    const result = await graphql({
      schema: adminSchema(),
      source: `{ customers(first: 5, query: "email:grace@example.com") { nodes { email } }
                 matching: customersCount(query: "email:grace@example.com") { count precision } }`,
      contextValue: context,
      fieldResolver: minimalFieldResolver(buildRootResolvers()),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      customers: { nodes: [{ email: "grace@example.com" }] },
      matching: { count: 2, precision: "EXACT" },
    });
    expect(searchWarnings.get(context)).toEqual([
      {
        path: ["matching"],
        query: "email:grace@example.com",
        warnings: [{ field: "email", message: "Invalid search field for this query.", code: "invalid_field" }],
      },
    ]);
  });

  it("given more customers than the limit, when counting, then the count caps with AT_LEAST unless limit is null", async () => {
    seedRandomCustomers(12, 5);
    const result = await env.run(
      env.shopA,
      `{ capped: customersCount(limit: 10) { count precision } exact: customersCount(limit: null) { count precision }
         all: customersCount { count precision } }`,
    );
    expect(result.data).toEqual({
      capped: { count: 10, precision: "AT_LEAST" },
      exact: { count: 12, precision: "EXACT" },
      all: { count: 12, precision: "EXACT" },
    });
  });

  it("given a bad timestamp, when searching, then Shopify's message comes back", async () => {
    const result = await env.run(env.shopA, `{ orders(first: 1, query: "created_at:>yesterdayish") { nodes { id } } }`);
    expect(result.errors?.[0]?.message).toBe("Invalid timestamp for query filter `created_at`.");
  });
});

// ---- orders -----------------------------------------------------------------------------------------------

describe("orders", () => {
  it("given orders in several states, when searching by status, financial status and customer, then each filter selects the right orders", async () => {
    const customer = makeCustomer(env.store, env.shopA.id);
    const open = makeOrder(env.store, env.shopA.id, { customerId: customer.id, tags: ["Rush"] });
    const cancelled = makeOrder(env.store, env.shopA.id, {
      cancelledAt: env.store.nowIso(),
      financialStatus: "VOIDED",
    });
    const closed = makeOrder(env.store, env.shopA.id, { closedAt: env.store.nowIso(), financialStatus: "REFUNDED" });
    const ids = async (query: string) => {
      const result = await env.run(
        env.shopA,
        `query($q: String) { orders(first: 10, query: $q, sortKey: ID) { nodes { id } } }`,
        { q: query },
      );
      expect(result.errors).toBeUndefined();
      return (result.data!.orders as { nodes: { id: string }[] }).nodes.map(idOf);
    };
    expect(await ids("status:open")).toEqual([open.id]);
    expect(await ids("status:cancelled")).toEqual([cancelled.id]);
    expect(await ids("status:closed")).toEqual([closed.id]);
    expect(await ids("status:any")).toEqual([open.id, cancelled.id, closed.id]);
    expect(await ids("financial_status:paid")).toEqual([open.id]);
    expect(await ids(`customer_id:${customer.id}`)).toEqual([open.id]);
    expect(await ids("tag:rush OR financial_status:refunded")).toEqual([open.id, closed.id]);
    expect(await ids(`name:${open.number}`)).toEqual([open.id]);
  });

  it("given an order with a refund, when reading money fields, then totals are MoneyBags in Shopify's decimal form", async () => {
    const order = makeOrder(env.store, env.shopA.id);
    const lineItem = order.lineItems[0]!;
    env.store.putOrder(
      env.shopA.id,
      {
        ...order,
        financialStatus: "PARTIALLY_REFUNDED",
        refunds: [
          {
            id: 77,
            createdAt: env.store.nowIso(),
            note: "damaged",
            totalRefunded: { shop: "10.00", presentment: "10.00" },
            refundLineItems: [
              {
                id: 78,
                lineItemId: lineItem.id,
                quantity: 1,
                restockType: "RETURN",
                subtotal: { shop: "10.00", presentment: "10.00" },
              },
            ],
          },
        ],
      },
      { silent: true },
    );
    const result = await env.run(
      env.shopA,
      `query($id: ID!) { order(id: $id) { name displayFinancialStatus closed
          totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
          currentTotalPriceSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } }
          lineItems(first: 5) { nodes { title quantity currentQuantity originalUnitPriceSet { shopMoney { amount } } } }
          refunds(first: 5) { id note totalRefundedSet { shopMoney { amount } }
            refundLineItems(first: 5) { nodes { quantity restockType lineItem { title } subtotalSet { shopMoney { amount } } } } } } }`,
      { id: gid("Order", order.id) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.order).toEqual({
      name: order.name,
      displayFinancialStatus: "PARTIALLY_REFUNDED",
      closed: false,
      totalPriceSet: {
        shopMoney: { amount: "25.0", currencyCode: "USD" },
        presentmentMoney: { amount: "25.0", currencyCode: "USD" },
      },
      currentTotalPriceSet: { shopMoney: { amount: "15.0" } },
      totalRefundedSet: { shopMoney: { amount: "10.0" } },
      lineItems: {
        nodes: [
          { title: "Widget", quantity: 2, currentQuantity: 1, originalUnitPriceSet: { shopMoney: { amount: "10.0" } } },
        ],
      },
      refunds: [
        {
          id: gid("Refund", 77),
          note: "damaged",
          totalRefundedSet: { shopMoney: { amount: "10.0" } },
          refundLineItems: {
            nodes: [
              {
                quantity: 1,
                restockType: "RETURN",
                lineItem: { title: "Widget" },
                subtotalSet: { shopMoney: { amount: "10.0" } },
              },
            ],
          },
        },
      ],
    });
  });

  it("given an order older than 60 days, when the app lacks read_all_orders, then it is invisible", async () => {
    env.clock.now = new Date("2026-01-01T00:00:00.000Z");
    const old = makeOrder(env.store, env.shopA.id);
    env.clock.now = new Date("2026-06-01T00:00:00.000Z");
    const recent = makeOrder(env.store, env.shopA.id);
    const scopes = ["read_orders"];
    const query = `query($id: ID!) { order(id: $id) { id } orders(first: 5) { nodes { id } } ordersCount { count } }`;
    const limited = await env.run(env.shopA, query, { id: gid("Order", old.id) }, scopes);
    expect(limited.data).toEqual({
      order: null,
      orders: { nodes: [{ id: gid("Order", recent.id) }] },
      ordersCount: { count: 1 },
    });
    const full = await env.run(env.shopA, query, { id: gid("Order", old.id) });
    expect(full.data).toMatchObject({ order: { id: gid("Order", old.id) }, ordersCount: { count: 2 } });
  });
});

// ---- customers --------------------------------------------------------------------------------------------

describe("customer", () => {
  it("given a customer with an address and orders, when reading the detail, then fields follow Shopify's shapes", async () => {
    const customer = makeCustomer(env.store, env.shopA.id, {
      firstName: "Grace",
      lastName: "Hopper",
      phone: "+16135550135",
      tags: ["vip", "Alpha"],
      addresses: [
        {
          id: 55,
          firstName: "Grace",
          lastName: "Hopper",
          company: null,
          address1: "1 King St",
          address2: null,
          city: "Ottawa",
          province: "Ontario",
          provinceCode: "ON",
          country: "Canada",
          countryCode: "CA",
          zip: "K1A",
          phone: null,
        },
      ],
      defaultAddressId: 55,
    });
    env.clock.now = new Date("2026-06-02T00:00:00.000Z");
    makeOrder(env.store, env.shopA.id, { customerId: customer.id });
    env.clock.now = new Date("2026-06-03T00:00:00.000Z");
    const last = makeOrder(env.store, env.shopA.id, { customerId: customer.id });
    const result = await env.run(
      env.shopA,
      `query($id: ID!) { customer(id: $id) { id legacyResourceId displayName tags numberOfOrders
          amountSpent { amount currencyCode }
          defaultEmailAddress { emailAddress marketingState }
          defaultPhoneNumber { phoneNumber }
          defaultAddress { id city provinceCode countryCodeV2 formattedArea }
          addressesV2(first: 5) { nodes { city } }
          orders(first: 5, sortKey: CREATED_AT, reverse: true) { nodes { id } }
          lastOrder { id } } }`,
      { id: gid("Customer", customer.id) },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.customer).toEqual({
      id: gid("Customer", customer.id),
      legacyResourceId: String(customer.id),
      displayName: "Grace Hopper",
      tags: ["Alpha", "vip"],
      numberOfOrders: "2",
      amountSpent: { amount: "50.0", currencyCode: "USD" },
      defaultEmailAddress: { emailAddress: customer.email, marketingState: "NOT_SUBSCRIBED" },
      defaultPhoneNumber: { phoneNumber: "+16135550135" },
      defaultAddress: {
        id: "gid://shopify/MailingAddress/55?model_name=CustomerAddress",
        city: "Ottawa",
        provinceCode: "ON",
        countryCodeV2: "CA",
        formattedArea: "Ottawa ON, Canada",
      },
      addressesV2: { nodes: [{ city: "Ottawa" }] },
      orders: { nodes: [{ id: gid("Order", last.id) }, expect.anything()] },
      lastOrder: { id: gid("Order", last.id) },
    });
  });

  it("given an id of another type, an unknown id or a malformed id, when reading customer, then null, null and an error", async () => {
    const result = await env.run(
      env.shopA,
      `{ a: customer(id: "gid://shopify/Order/1") { id } b: customer(id: "gid://shopify/Customer/999") { id } }`,
    );
    expect(result.data).toEqual({ a: null, b: null });
    const malformed = await env.run(env.shopA, `{ customer(id: "not-a-gid") { id } }`);
    expect(malformed.errors?.[0]?.message).toBe("Invalid global id 'not-a-gid'");
  });

  it("given nodes of several types, when reading nodes(ids:), then each resolves to its type or null", async () => {
    const customer = makeCustomer(env.store, env.shopA.id);
    const product = makeProduct(env.store, env.shopA.id);
    const result = await env.run(env.shopA, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, {
      ids: [
        gid("Customer", customer.id),
        gid("Product", product.id),
        gid("ProductVariant", product.variants[0]!.id),
        gid("Customer", 1),
      ],
    });
    expect(result.data!.nodes).toEqual([
      { __typename: "Customer", id: gid("Customer", customer.id) },
      { __typename: "Product", id: gid("Product", product.id) },
      { __typename: "ProductVariant", id: gid("ProductVariant", product.variants[0]!.id) },
      null,
    ]);
  });
});

// ---- shop scoping -----------------------------------------------------------------------------------------

describe("shop scoping", () => {
  it("given two shops with their own records, when each lists and reads, then each sees only its own", async () => {
    const a = makeCustomer(env.store, env.shopA.id, { tags: ["vip"] });
    const b = makeCustomer(env.store, env.shopB.id, { tags: ["vip"] });
    const orderB = makeOrder(env.store, env.shopB.id);
    const productB = makeProduct(env.store, env.shopB.id);
    const query = `query($b: ID!, $o: ID!, $p: ID!) {
      customers(first: 10, query: "tag:vip") { nodes { id } } customersCount { count }
      customer(id: $b) { id } order(id: $o) { id } product(id: $p) { id } node(id: $b) { id }
      orders(first: 5) { nodes { id } } products(first: 5) { nodes { id } } }`;
    const variables = { b: gid("Customer", b.id), o: gid("Order", orderB.id), p: gid("Product", productB.id) };
    const fromA = await env.run(env.shopA, query, variables);
    expect(fromA.data).toEqual({
      customers: { nodes: [{ id: gid("Customer", a.id) }] },
      customersCount: { count: 1 },
      customer: null,
      order: null,
      product: null,
      node: null,
      orders: { nodes: [] },
      products: { nodes: [] },
    });
    const fromB = await env.run(env.shopB, query, variables);
    expect(fromB.data).toMatchObject({
      customers: { nodes: [{ id: gid("Customer", b.id) }] },
      customer: { id: gid("Customer", b.id) },
    });
    const tagOther = await env.run(
      env.shopA,
      `mutation($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { node { id } userErrors { field message } } }`,
      { id: gid("Customer", b.id) },
    );
    expect(tagOther.data!.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Customer does not exist" }],
    });
  });
});

// ---- tags -------------------------------------------------------------------------------------------------

const TAGS_ADD = `mutation TagsAddMultiResource($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { __typename ... on Product { id title tags } ... on Order { id name tags } ... on Customer { id email displayName tags } }
    userErrors { field message }
  }
}`;
const TAGS_REMOVE = TAGS_ADD.replace(/tagsAdd/g, "tagsRemove").replace(
  "TagsAddMultiResource",
  "TagsRemoveMultiResource",
);

describe("tagsAdd and tagsRemove", () => {
  // The normalization cases captured live (tags-add-multi-resource.json, tags-normalization-parity.json), each from ["Red"].
  const cases: { name: string; mutation: string; tags: string | string[]; expected: string[] }[] = [
    { name: "comma string add", mutation: TAGS_ADD, tags: "blue, green", expected: ["blue", "green", "Red"] },
    { name: "comma list element add", mutation: TAGS_ADD, tags: ["blue,green"], expected: ["blue", "green", "Red"] },
    { name: "case variant add", mutation: TAGS_ADD, tags: ["red"], expected: ["Red"] },
    { name: "case sort add", mutation: TAGS_ADD, tags: ["b", "A"], expected: ["A", "b", "Red"] },
    { name: "case variant remove", mutation: TAGS_REMOVE, tags: ["red"], expected: [] },
    { name: "string remove", mutation: TAGS_REMOVE, tags: "Red", expected: [] },
  ];
  for (const resource of ["Product", "Order", "Customer"] as const) {
    for (const testCase of cases) {
      it(`given a ${resource} tagged Red, when ${testCase.name}, then tags are ${JSON.stringify(testCase.expected)} as captured`, async () => {
        const record =
          resource === "Product"
            ? makeProduct(env.store, env.shopA.id, { tags: ["Red"] })
            : resource === "Order"
              ? makeOrder(env.store, env.shopA.id, { tags: ["Red"] })
              : makeCustomer(env.store, env.shopA.id, { tags: ["Red"] });
        const result = await env.run(env.shopA, testCase.mutation, {
          id: gid(resource, record.id),
          tags: testCase.tags,
        });
        expect(result.errors).toBeUndefined();
        const payload = Object.values(result.data!)[0] as {
          node: { __typename: string; tags: string[] };
          userErrors: unknown[];
        };
        expect(payload.userErrors).toEqual([]);
        expect(payload.node.__typename).toBe(resource);
        expect(payload.node.tags).toEqual(testCase.expected);
      });
    }
  }

  it("given tagsAdd on a customer, when it changes tags, then updatedAt moves, a customers/update change is announced and a re-read agrees", async () => {
    const customer = makeCustomer(env.store, env.shopA.id, { tags: ["existing"] });
    const changes: StoreChange[] = [];
    env.store.changes.on("change", (change: StoreChange) => changes.push(change));
    env.clock.now = new Date("2026-06-05T00:00:00.000Z");
    await env.run(env.shopA, TAGS_ADD, { id: gid("Customer", customer.id), tags: ["existing", "summer", "sale"] });
    expect(changes.map((change) => [change.topic, change.resourceId])).toEqual([["customers/update", customer.id]]);
    const read = await env.run(env.shopA, `query($id: ID!) { customer(id: $id) { tags updatedAt } }`, {
      id: gid("Customer", customer.id),
    });
    expect(read.data!.customer).toEqual({ tags: ["existing", "sale", "summer"], updatedAt: "2026-06-05T00:00:00Z" });

    changes.length = 0;
    await env.run(env.shopA, TAGS_REMOVE, { id: gid("Customer", customer.id), tags: ["missing"] });
    expect(changes).toEqual([]);
  });

  it("given ids that do not resolve, when tagging, then userErrors name the type, and an unsupported type is a top-level error", async () => {
    const product = await env.run(env.shopA, TAGS_ADD, { id: "gid://shopify/Product/999999999999999", tags: ["vip"] });
    expect(product.data!.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Product does not exist" }],
    });
    const customer = await env.run(env.shopA, TAGS_REMOVE, {
      id: "gid://shopify/Customer/999999999999999",
      tags: ["vip"],
    });
    expect(customer.data!.tagsRemove).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: "Customer does not exist" }],
    });
    const unsupported = await env.run(env.shopA, TAGS_ADD, { id: "gid://shopify/SomethingUnsupported/1", tags: ["x"] });
    expect(unsupported.data).toEqual({ tagsAdd: null });
    expect(unsupported.errors).toEqual([{ message: "invalid id", extensions: { code: "RESOURCE_NOT_FOUND" } }]);
  });

  it("given a customer near the tag limit, when adding past 250 tags, then a userError and nothing written", async () => {
    const tags = Array.from({ length: 250 }, (_, i) => `tag-${i}`);
    const customer = makeCustomer(env.store, env.shopA.id, { tags });
    const result = await env.run(env.shopA, TAGS_ADD, { id: gid("Customer", customer.id), tags: ["one-more"] });
    expect(result.data!.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["tags"], message: "Tags cannot be more than 250" }],
    });
    expect(env.store.getCustomer(env.shopA.id, customer.id)!.tags).toHaveLength(250);
  });

  it("given a tagged product, when searching by tag after tagsAdd, then products and productsCount see it at once", async () => {
    const product = makeProduct(env.store, env.shopA.id, { tags: ["existing"] });
    await env.run(env.shopA, TAGS_ADD, { id: gid("Product", product.id), tags: ["hermes-sale"] });
    const result = await env.run(
      env.shopA,
      `{ products(first: 5, query: "tag:hermes-sale") { nodes { id tags } pageInfo { hasNextPage hasPreviousPage } }
         productsCount(query: "tag:hermes-sale") { count precision } }`,
    );
    expect(result.data).toEqual({
      products: {
        nodes: [{ id: gid("Product", product.id), tags: ["existing", "hermes-sale"] }],
        pageInfo: { hasNextPage: false, hasPreviousPage: false },
      },
      productsCount: { count: 1, precision: "EXACT" },
    });
  });
});
