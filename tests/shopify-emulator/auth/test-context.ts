import type { EmulatorContext } from "../context.js";
import type { EmulatorRequest } from "../http.js";
import { EmulatorStore } from "../store/store.js";

/** A context with an in-memory store and a clock the test moves. */
export function testContext(start = new Date("2026-03-01T12:00:00Z")): {
  ctx: EmulatorContext;
  clock: { now: Date; advance(seconds: number): void };
} {
  const clock = {
    now: start,
    advance(seconds: number) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
  };
  const store = new EmulatorStore({ now: () => clock.now });
  const ctx: EmulatorContext = {
    store,
    origin: () => "http://127.0.0.1:4999",
    config: {
      app: {
        apiKey: "test-api-key",
        apiSecret: "test-api-secret",
        appUrl: "http://127.0.0.1:3999",
        handle: "cohort",
        name: "Cohort",
        scopes: ["read_customers", "write_customers", "read_orders"],
      },
      appTomlPath: null,
      timeScale: 1,
      sessionTokenTtlSeconds: 60,
      accessTokenTtlSeconds: 3600,
    },
  };
  return { ctx, clock };
}

export function fakeRequest(
  method: string,
  pathAndQuery: string,
  options: {
    body?: string;
    headers?: Record<string, string>;
    shopDomain?: string | null;
    params?: Record<string, string>;
  } = {},
): EmulatorRequest {
  const url = new URL(pathAndQuery, "http://emulator.local");
  return {
    method,
    path: url.pathname,
    url,
    headers: options.headers ?? {},
    params: options.params ?? {},
    rawBody: Buffer.from(options.body ?? ""),
    shopDomain: options.shopDomain === undefined ? url.searchParams.get("shop") : options.shopDomain,
  };
}
