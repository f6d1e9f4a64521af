import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installApp, issueOfflineToken } from "../../auth/tokens.js";
import type { EmulatorContext } from "../../context.js";
import type { EmulatorStore } from "../../store/store.js";
import { graphqlTestEnv } from "../../test-support.js";
import { handleGraphqlRequest } from "../index.js";
import { parseSearchQuery } from "../search-query.js";
import { parsedSearch } from "./search-extension.js";

let store: EmulatorStore;
let context: EmulatorContext;
let token: string;

beforeEach(() => {
  const { shop, ...env } = graphqlTestEnv(["read_customers"]);
  ({ store, context } = env);
  installApp(context, shop.id);
  token = issueOfflineToken(context, shop.id, "client-1", { expiring: false }).accessToken;
});
afterEach(() => store.close());

async function query(document: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await handleGraphqlRequest(context, {
    version: "2026-10",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query: document, variables }),
  });
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

describe("extensions.search", () => {
  it("given customersCount queries on fields Shopify does not search, when run, then each aliased field is reported as the capture shows", async () => {
    const body = await query(
      `query($q: String!, $d: String!) { total: customersCount { count } matching: customersCount(query: $q) { count } disabled: customersCount(query: $d) { count } }`,
      { q: "email:grace@example.com", d: "state:DISABLED" },
    );
    const extensions = body.extensions as Record<string, unknown>;
    expect(Object.keys(extensions)).toEqual(["cost", "search"]);
    expect(extensions.search).toEqual([
      {
        path: ["matching"],
        query: "email:grace@example.com",
        parsed: { field: "email", match_all: "grace@example.com" },
        warnings: [{ field: "email", message: "Invalid search field for this query.", code: "invalid_field" }],
      },
      {
        path: ["disabled"],
        query: "state:DISABLED",
        parsed: { field: "state", match_all: "DISABLED" },
        warnings: [{ field: "state", message: "Invalid search field for this query.", code: "invalid_field" }],
      },
    ]);
  });

  it("given only valid search fields, when run, then no search extension is added", async () => {
    const body = await query(`{ customers(first: 1, query: "email:a@example.com") { nodes { id } } }`);
    expect(body.extensions).not.toHaveProperty("search");
  });

  it("given compound queries, when parsed, then connectives and ranges nest (unconfirmed shape)", () => {
    expect(parsedSearch(parseSearchQuery("a:1 OR -b:>2"))).toEqual({
      or: [{ field: "a", match_all: "1" }, { not: { field: "b", range_gt: "2" } }],
    });
  });
});
