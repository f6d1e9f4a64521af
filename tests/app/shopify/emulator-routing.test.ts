import { describe, expect, it } from "vitest";
import { createEmulatorFetch, EMULATOR_SHOP_HEADER, emulatorTarget } from "../../../app/shopify/emulator-routing.js";

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      body: request.body ? await request.text() : null,
    });
    return new Response("ok");
  };
}

describe("routing Shopify requests to the local Shopify", () => {
  const emulator = "http://127.0.0.1:4500";

  it("given a shop API URL, when targeted, then only the origin changes", () => {
    const target = emulatorTarget(new URL("https://demo.myshopify.com/admin/api/2026-10/graphql.json?x=1"), emulator);
    expect(target?.toString()).toBe("http://127.0.0.1:4500/admin/api/2026-10/graphql.json?x=1");
  });

  it("given a non-Shopify or non-https URL, when targeted, then it is left alone", () => {
    expect(emulatorTarget(new URL("https://example.com/x"), emulator)).toBeNull();
    expect(emulatorTarget(new URL("http://demo.myshopify.com/x"), emulator)).toBeNull();
    expect(emulatorTarget(new URL("https://myshopify.com.evil.example/x"), emulator)).toBeNull();
  });

  it("given a POST with headers, when fetched, then method, body and headers arrive with the shop named", async () => {
    const seen: Seen[] = [];
    const routed = createEmulatorFetch(emulator, recordingFetch(seen));
    await routed("https://demo.myshopify.com/admin/oauth/access_token", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": "shpat_1" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(seen).toEqual([
      {
        url: "http://127.0.0.1:4500/admin/oauth/access_token",
        method: "POST",
        headers: expect.objectContaining({
          "content-type": "application/json",
          "x-shopify-access-token": "shpat_1",
          [EMULATOR_SHOP_HEADER]: "demo.myshopify.com",
        }),
        body: '{"a":1}',
      },
    ]);
  });

  it("given a Request object, when fetched, then it is rewritten too", async () => {
    const seen: Seen[] = [];
    const routed = createEmulatorFetch(emulator, recordingFetch(seen));
    await routed(new Request("https://other.myshopify.com/files/x.jsonl", { headers: { Range: "bytes=0-" } }));
    expect(seen[0]?.url).toBe("http://127.0.0.1:4500/files/x.jsonl");
    expect(seen[0]?.headers.range).toBe("bytes=0-");
    expect(seen[0]?.headers[EMULATOR_SHOP_HEADER]).toBe("other.myshopify.com");
  });

  it("given any other URL, when fetched, then the request passes through untouched", async () => {
    const seen: Seen[] = [];
    const routed = createEmulatorFetch(emulator, recordingFetch(seen));
    await routed("http://127.0.0.1:9/elsewhere", { method: "PUT", body: "b" });
    expect(seen[0]).toMatchObject({ url: "http://127.0.0.1:9/elsewhere", method: "PUT", body: "b" });
    expect(seen[0]?.headers[EMULATOR_SHOP_HEADER]).toBeUndefined();
  });
});
