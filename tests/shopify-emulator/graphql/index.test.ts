import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installApp, issueOfflineToken } from "../auth/tokens.js";
import type { EmulatorContext } from "../context.js";
import type { EmulatorResponse } from "../http.js";
import type { EmulatorStore } from "../store/store.js";
import type { ShopRecord } from "../store/types.js";
import { graphqlTestEnv, type TestClock } from "../test-support.js";
import { handleGraphqlRequest } from "./index.js";
import type { RootResolvers } from "./schema.js";

// Throwaway stand-in until the real resolvers land; the handler is also given resolvers explicitly below.
vi.mock("./resolvers/index.js", () => ({ buildRootResolvers: (): RootResolvers => ({ QueryRoot: {}, Mutation: {} }) }));

const resolvers: RootResolvers = {
  QueryRoot: {
    shop: (_args, context) => ({
      __typename: "Shop",
      id: `gid://shopify/Shop/${context.shop.id}`,
      name: context.shop.name,
    }),
  },
  Mutation: {},
};

let store: EmulatorStore;
let context: EmulatorContext;
let shop: ShopRecord;
let clock: TestClock;

beforeEach(() => {
  ({ store, context, shop, clock } = graphqlTestEnv(["read_customers", "write_customers"], { name: "Demo" }));
  installApp(context, shop.id);
});
afterEach(() => store.close());

function post(token: string | undefined, body: unknown, version = "2026-10"): Promise<EmulatorResponse> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers["x-shopify-access-token"] = token;
  return handleGraphqlRequest(
    context,
    { version, headers, body: typeof body === "string" ? body : JSON.stringify(body) },
    { resolvers },
  );
}

function bodyOf(response: EmulatorResponse): unknown {
  return JSON.parse(String(response.body));
}

describe("POST /admin/api/:version/graphql.json", () => {
  it("given a valid offline token, when a query is posted, then 200 with data and extensions.cost", async () => {
    const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: false });
    const response = await post(accessToken, { query: "query Shop { shop { id name } }", operationName: "Shop" });
    expect(response.status).toBe(200);
    expect(response.headers?.["x-shopify-api-version"]).toBe("2026-10");
    expect(bodyOf(response)).toEqual({
      data: { shop: { id: `gid://shopify/Shop/${shop.id}`, name: "Demo" } },
      extensions: {
        cost: {
          requestedQueryCost: 1,
          actualQueryCost: 1,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 },
        },
      },
    });
  });

  it("given an unknown token, when posted, then 401 with Shopify's text", async () => {
    const response = await post("shpat_nope", { query: "{ shop { id } }" });
    expect(response.status).toBe(401);
    expect(bodyOf(response)).toEqual({
      errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
    });
  });

  it("given no token, when posted, then 401", async () => {
    expect((await post(undefined, { query: "{ shop { id } }" })).status).toBe(401);
  });

  it("given an expiring token, when its hour has passed, then 401", async () => {
    const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: true });
    expect((await post(accessToken, { query: "{ shop { id } }" })).status).toBe(200);
    clock.advance(3601);
    expect((await post(accessToken, { query: "{ shop { id } }" })).status).toBe(401);
  });

  it("given an unsupported version, when posted, then 404 Not Found", async () => {
    const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: false });
    const response = await post(accessToken, { query: "{ shop { id } }" }, "2019-04");
    expect(response.status).toBe(404);
    expect(bodyOf(response)).toEqual({ errors: "Not Found" });
  });

  it.each(["unstable", "2025-10", "2026-01"])(
    "given supported version %s, when posted, then it answers",
    async (version) => {
      const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: false });
      expect((await post(accessToken, { query: "{ shop { id } }" }, version)).status).toBe(200);
    },
  );

  it.each([["not json"], [{ variables: {} }], [{ query: "" }], [[1, 2]]])(
    "given a malformed body %j, when posted, then 400 as Shopify",
    async (body) => {
      const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: false });
      const response = await post(accessToken, body);
      expect(response.status).toBe(400);
      expect(bodyOf(response)).toEqual({ errors: { query: "Required parameter missing or invalid" } });
    },
  );

  it("given repeated expensive requests, when the bucket runs dry, then THROTTLED at 200 and a second later it passes", async () => {
    const { accessToken } = issueOfflineToken(context, shop.id, "client-1", { expiring: false });
    // customersCount costs 10 each; 100 of them in one document cost 1000, the per-query maximum.
    const query = `{ ${Array.from({ length: 100 }, (_, index) => `c${index}: customersCount { count }`).join(" ")} }`;
    const withCount: RootResolvers = {
      QueryRoot: { customersCount: () => ({ count: 0, precision: "EXACT" }) },
      Mutation: {},
    };
    const send = (): Promise<EmulatorResponse> =>
      handleGraphqlRequest(
        context,
        { version: "2026-10", headers: { "x-shopify-access-token": accessToken }, body: JSON.stringify({ query }) },
        { resolvers: withCount },
      );
    expect((bodyOf(await send()) as { extensions: unknown }).extensions).toEqual({
      cost: {
        requestedQueryCost: 1000,
        actualQueryCost: 1000,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1000, restoreRate: 100 },
      },
    });
    await send();
    const throttled = await send();
    expect(throttled.status).toBe(200);
    expect(bodyOf(throttled)).toMatchObject({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
      extensions: { cost: { actualQueryCost: null } },
    });
    clock.advance(10);
    expect(bodyOf(await send())).not.toHaveProperty("errors");
  });
});
