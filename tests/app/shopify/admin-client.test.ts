import { describe, expect, it } from "vitest";
import type { GraphqlOperation } from "../../../app/graphql/operation.js";
import {
  AdminClient,
  AdminRequestFailedError,
  ShopUnavailableError,
  type Clock,
} from "../../../app/shopify/admin-client.server.js";
import { ShopifyGraphqlError } from "../../../app/services/shop/ports.js";

class FakeClock implements Clock {
  nowMs = 1_000_000;
  sleeps: number[] = [];
  now() {
    return this.nowMs;
  }
  async sleep(ms: number) {
    this.sleeps.push(ms);
    this.nowMs += ms;
  }
}

interface Sent {
  url: string;
  token: string | null;
  body: { query: string; variables?: Record<string, unknown> };
  atMs: number;
}

type Reply = Response | Error | ((sent: Sent) => Response);

function cost(requested: number, actual: number | null, available: number, maximum = 2000, restoreRate = 100) {
  return {
    cost: {
      requestedQueryCost: requested,
      actualQueryCost: actual,
      throttleStatus: { maximumAvailable: maximum, currentlyAvailable: available, restoreRate },
    },
  };
}

function ok(data: unknown, extensions: unknown = cost(10, 10, 1990)): Response {
  return new Response(JSON.stringify({ data, extensions }), { headers: { "content-type": "application/json" } });
}

function throttled(available: number): Response {
  return new Response(
    JSON.stringify({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev" } }],
      extensions: cost(500, null, available),
    }),
    { headers: { "content-type": "application/json" } },
  );
}

function status(code: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ errors: "nope" }), {
    status: code,
    headers: { "content-type": "application/json", ...headers },
  });
}

function fakeTransport(replies: Reply[], clock: FakeClock) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const record: Sent = {
      url: input.toString(),
      token: headers.get("x-shopify-access-token"),
      body: JSON.parse(String(init?.body)) as Sent["body"],
      atMs: clock.now(),
    };
    sent.push(record);
    const reply = replies.shift();
    if (!reply) throw new Error("no more scripted replies");
    if (reply instanceof Error) throw reply;
    return typeof reply === "function" ? reply(record) : reply;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const SHOP_QUERY = `#graphql
  query { shop { name } }
` as GraphqlOperation<{ shop: { name: string } }>;

function client(replies: Reply[], overrides: Partial<ConstructorParameters<typeof AdminClient>[0]> = {}) {
  const clock = new FakeClock();
  const transport = fakeTransport(replies, clock);
  let tokenCalls = 0;
  const admin = new AdminClient({
    shop: "demo.myshopify.com",
    apiVersion: "2026-10",
    token: {
      accessToken: async () => {
        tokenCalls++;
        return `token-${tokenCalls}`;
      },
    },
    fetch: transport.fetchImpl,
    clock,
    random: () => 0.5,
    ...overrides,
  });
  return { admin, clock, sent: transport.sent, tokenCalls: () => tokenCalls };
}

describe("AdminClient", () => {
  it("given a healthy shop, when a typed query runs, then it posts to the shop's Admin endpoint with the token and returns data", async () => {
    const { admin, sent } = client([ok({ shop: { name: "Demo" } })]);
    const data = await admin.request(SHOP_QUERY);
    expect(data.shop.name).toBe("Demo");
    expect(sent[0]!.url).toBe("https://demo.myshopify.com/admin/api/2026-10/graphql.json");
    expect(sent[0]!.token).toBe("token-1");
    expect(admin.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 });
  });

  it("given a nearly empty bucket, when the next request would not fit, then it waits exactly until restore covers its expected cost", async () => {
    const { admin, clock, sent } = client([
      ok({ shop: { name: "a" } }, cost(300, 300, 100)),
      ok({ shop: { name: "b" } }, cost(300, 300, 0)),
    ]);
    await admin.request(SHOP_QUERY);
    expect(clock.sleeps).toEqual([]);
    await admin.request(SHOP_QUERY);
    // 300 expected (the document's last requested cost), 100 available, 100/s restore: 2 s.
    expect(clock.sleeps).toEqual([2000]);
    expect(sent[1]!.atMs - sent[0]!.atMs).toBe(2000);
  });

  it("given a bucket with room, when requests follow each other, then no wait is added", async () => {
    const { admin, clock } = client([
      ok({ shop: { name: "a" } }),
      ok({ shop: { name: "b" } }),
      ok({ shop: { name: "c" } }),
    ]);
    for (let i = 0; i < 3; i++) await admin.request(SHOP_QUERY);
    expect(clock.sleeps).toEqual([]);
  });

  it("given THROTTLED (HTTP 200), when retried, then it waits for the bucket to refill and succeeds", async () => {
    const { admin, clock, sent } = client([throttled(50), ok({ shop: { name: "after" } })], {
      defaultExpectedCost: 500,
    });
    const data = await admin.request(SHOP_QUERY);
    expect(data.shop.name).toBe("after");
    expect(sent).toHaveLength(2);
    // Needs 500, has 50, restores 100/s: 4.5 s, plus a quarter of the jittered backoff (0.5 × 500 / 4).
    expect(clock.sleeps[0]).toBe(4500 + 62.5);
  });

  it("given 429 and 503 answers, when retried, then backoff grows exponentially with full jitter and honours Retry-After", async () => {
    const { admin, clock } = client([
      status(503),
      status(429, { "retry-after": "3" }),
      status(502),
      ok({ shop: { name: "x" } }),
    ]);
    await admin.request(SHOP_QUERY);
    // random 0.5 × 500 × 2^(n-1); the 429 asks for 3 s, more than its backoff.
    expect(clock.sleeps).toEqual([250, 3000, 1000]);
  });

  it("given network errors, when they persist beyond the attempt bound, then it throws AdminRequestFailedError", async () => {
    const { admin, sent } = client(
      [new TypeError("fetch failed"), new TypeError("fetch failed"), new TypeError("fetch failed")],
      { maxAttempts: 3 },
    );
    await expect(admin.request(SHOP_QUERY)).rejects.toBeInstanceOf(AdminRequestFailedError);
    expect(sent).toHaveLength(3);
  });

  it("given 401, when a request runs, then it stops at once with ShopUnavailableError and drops the cached token", async () => {
    let invalidated = 0;
    const { admin, sent } = client([status(401)], {
      token: { accessToken: async () => "t", invalidate: () => void invalidated++ },
    });
    const error = await admin.request(SHOP_QUERY).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShopUnavailableError);
    expect((error as ShopUnavailableError).status).toBe(401);
    expect(sent).toHaveLength(1);
    expect(invalidated).toBe(1);
  });

  it("given no offline session, when a request runs, then it throws ShopUnavailableError without calling Shopify", async () => {
    const { admin, sent } = client([], {
      token: {
        accessToken: async () => {
          throw new Error("Could not find a session");
        },
      },
    });
    await expect(admin.request(SHOP_QUERY)).rejects.toBeInstanceOf(ShopUnavailableError);
    expect(sent).toHaveLength(0);
  });

  it("given GraphQL errors other than THROTTLED, when answered, then it throws ShopifyGraphqlError without retrying", async () => {
    const { admin, sent } = client([
      new Response(JSON.stringify({ errors: [{ message: "Field 'x' doesn't exist" }] }), {
        headers: { "content-type": "application/json" },
      }),
    ]);
    await expect(admin.request(SHOP_QUERY)).rejects.toBeInstanceOf(ShopifyGraphqlError);
    expect(sent).toHaveLength(1);
  });

  it("given each attempt, when the token provider refreshes in between, then every attempt uses the current token", async () => {
    const { admin, sent } = client([status(500), ok({ shop: { name: "x" } })]);
    await admin.request(SHOP_QUERY);
    expect(sent.map((s) => s.token)).toEqual(["token-1", "token-2"]);
  });

  it("given concurrent requests on a small bucket, when they start together, then they are spaced so none is throttled", async () => {
    const clock = new FakeClock();
    // A faithful little bucket: 100 max, 10/s; each request takes 40.
    let available = 100;
    let at = clock.now();
    const bucket = () => {
      available = Math.min(100, available + ((clock.now() - at) / 1000) * 10);
      at = clock.now();
      if (available < 40) return throttled(Math.floor(available));
      available -= 40;
      return ok({ shop: { name: "ok" } }, cost(40, 40, Math.floor(available), 100, 10));
    };
    const transport = fakeTransport(
      Array.from({ length: 20 }, () => bucket),
      clock,
    );
    const admin = new AdminClient({
      shop: "demo.myshopify.com",
      apiVersion: "2026-10",
      token: { accessToken: async () => "t" },
      fetch: transport.fetchImpl,
      clock,
      random: () => 0.5,
      defaultExpectedCost: 40,
    });
    await admin.request(SHOP_QUERY);
    const results = await Promise.all(Array.from({ length: 6 }, () => admin.request(SHOP_QUERY)));
    expect(results).toHaveLength(6);
    expect(transport.sent).toHaveLength(7);
  });
});

describe("AdminClient.executeRaw", () => {
  it("given a partial answer, then the errors come back beside the data instead of being thrown", async () => {
    const partial = new Response(
      JSON.stringify({
        data: { t0: { userErrors: [] }, t1: null },
        errors: [{ message: "invalid id", path: ["t1"], extensions: { code: "RESOURCE_NOT_FOUND" } }],
        extensions: cost(20, 20, 1980),
      }),
      { headers: { "content-type": "application/json" } },
    );
    const { admin } = client([partial]);
    const answer = await admin.executeRaw<Record<string, unknown>>("mutation { t0: a t1: b }");
    expect(answer.data).toEqual({ t0: { userErrors: [] }, t1: null });
    expect(answer.errors).toEqual([
      { message: "invalid id", path: ["t1"], extensions: { code: "RESOURCE_NOT_FOUND" } },
    ]);
    expect(answer.cost?.requestedQueryCost).toBe(20);
  });

  it("given THROTTLED, then it is still retried after the bucket refills", async () => {
    const { admin, clock } = client([throttled(0), ok({ t0: { userErrors: [] } })]);
    const answer = await admin.executeRaw("mutation { t0: a }", undefined, { expectedCost: 100 });
    expect(answer.errors).toEqual([]);
    expect(clock.sleeps.some((ms) => ms >= 1000)).toBe(true);
  });
});
