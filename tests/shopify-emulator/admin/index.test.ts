import { describe, expect, it } from "vitest";
import { runInNewContext } from "node:vm";
import { Router, type EmulatorResponse } from "../http.js";
import { verifySessionToken } from "../auth/session-token.js";
import { fakeRequest, testContext } from "../test-support.js";
import { APP_BRIDGE_SCRIPT, hostParam, registerAdmin } from "./index.js";

function setup() {
  const { ctx, clock } = testContext(new Date());
  const shop = ctx.store.createShop({ domain: "demo.myshopify.com", name: "Demo Store" });
  const router = new Router();
  registerAdmin(router, ctx);
  async function get(pathAndQuery: string): Promise<EmulatorResponse> {
    const request = fakeRequest("GET", pathAndQuery);
    const matched = router.match("GET", request.path);
    if (!matched) return { status: 404 };
    return matched.handler({ ...request, params: matched.params });
  }
  return { ctx, clock, shop, get };
}

function iframeSrc(body: string): URL {
  const match = /<iframe[^>]*\ssrc="([^"]+)"/.exec(body);
  if (!match) throw new Error("no iframe");
  return new URL(match[1]!.replace(/&amp;/g, "&"));
}

describe("admin page", () => {
  it("given a shop, when its app page is opened, then it frames the app with Shopify's parameters and a valid id_token", async () => {
    const { ctx, shop, get } = setup();
    const response = await get("/store/demo/apps/cohort");
    expect(response.status).toBe(200);
    const body = String(response.body);
    expect(body).toContain("Demo Store");
    const src = iframeSrc(body);
    expect(src.origin + src.pathname).toBe("http://127.0.0.1:3999/app");
    expect(src.searchParams.get("embedded")).toBe("1");
    expect(src.searchParams.get("shop")).toBe(shop.domain);
    expect(src.searchParams.get("locale")).toBe("en");
    const host = src.searchParams.get("host")!;
    expect(host).toMatch(/^[0-9a-zA-Z+/]+$/);
    expect(Buffer.from(host, "base64").toString()).toBe("admin.shopify.com/store/demo");
    const verified = verifySessionToken(ctx, src.searchParams.get("id_token")!);
    expect(verified).toMatchObject({ ok: true, claims: { dest: "https://demo.myshopify.com" } });
  });

  it("given a sub-path and query, when opened, then the frame keeps them", async () => {
    const { get } = setup();
    const src = iframeSrc(String((await get("/store/demo/apps/cohort/app/segments/12?tab=rules")).body));
    expect(src.pathname).toBe("/app/segments/12");
    expect(src.searchParams.get("tab")).toBe("rules");
  });

  it("given an unknown shop or app, when opened, then 404", async () => {
    const { get } = setup();
    expect((await get("/store/ghost/apps/cohort")).status).toBe(404);
    expect((await get("/store/demo/apps/other")).status).toBe(404);
  });

  it("given shops, when /admin is opened, then it redirects to the first shop's app", async () => {
    const { get } = setup();
    expect(await get("/admin")).toMatchObject({ status: 302, headers: { location: "/store/demo/apps/cohort" } });
  });

  it("given a shop, when a session token is asked for, then a verifiable one comes back", async () => {
    const { ctx, get } = setup();
    const response = await get("/admin/api/session-token?shop=demo.myshopify.com");
    const { idToken } = JSON.parse(String(response.body)) as { idToken: string };
    expect(verifySessionToken(ctx, idToken).ok).toBe(true);
    expect((await get("/admin/api/session-token?shop=ghost.myshopify.com")).status).toBe(404);
  });

  it("given the script route, when fetched, then JavaScript is served with permissive CORS", async () => {
    const { get } = setup();
    const response = await get("/app-bridge.js");
    expect(response.headers).toMatchObject({
      "content-type": "application/javascript; charset=utf-8",
      "access-control-allow-origin": "*",
    });
    expect(String(response.body)).toContain("window.shopify");
    expect(hostParam("demo")).toBe(Buffer.from("admin.shopify.com/store/demo").toString("base64").replace(/=+$/, ""));
  });
});

// ---- the App Bridge script in a fake framed window --------------------------------------------------------------

interface Message {
  source: string;
  action: string;
  id?: number;
  payload?: Record<string, unknown>;
}

function framedApp(options: { appFetch: (request: Request) => Promise<Response>; search?: string }) {
  const emulatorOrigin = "http://127.0.0.1:4999";
  const appOrigin = "http://127.0.0.1:3999";
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const posted: Message[] = [];
  let tokenCount = 0;
  const search = options.search ?? "?embedded=1&shop=demo.myshopify.com&host=abc&locale=fr";
  const win: Record<string, unknown> = {};
  const parent = {
    postMessage(message: Message, targetOrigin: string) {
      expect(targetOrigin).toBe(emulatorOrigin);
      posted.push(message);
      if (message.action === "idToken") {
        tokenCount += 1;
        const payload = { idToken: `token-${tokenCount}` };
        setTimeout(() => {
          for (const listener of listeners.get("message") ?? []) {
            listener({
              source: parent,
              origin: emulatorOrigin,
              data: { source: "shopify-emulator-admin", action: "response", id: message.id, payload },
            });
          }
        }, 0);
      }
    },
  };
  Object.assign(win, {
    window: win,
    parent,
    document: {
      currentScript: {
        src: `${emulatorOrigin}/app-bridge.js`,
        getAttribute: (name: string) => (name === "data-api-key" ? "test-api-key" : null),
      },
      querySelector: () => null,
      querySelectorAll: () => [],
      readyState: "complete",
      documentElement: {},
    },
    location: {
      href: `${appOrigin}/app${search}`,
      origin: appOrigin,
      hostname: "127.0.0.1",
      pathname: "/app",
      search,
      assign() {},
      replace() {},
    },
    history: { pushState() {}, replaceState() {} },
    sessionStorage: { getItem: () => null, setItem() {} },
    fetch: (input: RequestInfo, init?: RequestInit) => options.appFetch(new Request(input, init)),
    addEventListener(type: string, listener: (event: unknown) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    removeEventListener() {},
    Request,
    Response,
    Headers,
    URL,
    URLSearchParams,
    Promise,
    JSON,
    Date,
    Math,
    atob,
    setTimeout,
    clearTimeout,
    CustomEvent: class {},
  });
  runInNewContext(APP_BRIDGE_SCRIPT, win);
  const shopify = win.shopify as {
    config: Record<string, unknown>;
    idToken(): Promise<string>;
    toast: { show(message: string, options?: Record<string, unknown>): string };
    environment: Record<string, boolean>;
  };
  const fetch = win.fetch as (input: string, init?: RequestInit) => Promise<Response>;
  return { shopify, fetch, posted };
}

describe("app-bridge.js", () => {
  it("given a framed app, when loaded, then window.shopify carries the config from the script tag and URL", () => {
    const { shopify } = framedApp({ appFetch: async () => new Response("ok") });
    expect(shopify.config).toMatchObject({
      apiKey: "test-api-key",
      shop: "demo.myshopify.com",
      host: "abc",
      locale: "fr",
    });
    expect(shopify.environment).toMatchObject({ embedded: true, mobile: false });
  });

  it("given a framed app, when idToken is called, then the token comes from the admin page over postMessage", async () => {
    const { shopify, posted } = framedApp({ appFetch: async () => new Response("ok") });
    await expect(shopify.idToken()).resolves.toBe("token-1");
    expect(posted.filter((message) => message.action === "idToken")).toHaveLength(1);
  });

  it("given a fetch to the app's origin, when sent, then it carries the bearer token and locale", async () => {
    const seen: Request[] = [];
    const { fetch } = framedApp({
      appFetch: async (request) => {
        seen.push(request);
        return new Response("ok");
      },
    });
    await fetch("/app/segments?_data=routes/app.segments");
    expect(seen[0]!.url).toBe("http://127.0.0.1:3999/app/segments?_data=routes/app.segments");
    expect(seen[0]!.headers.get("authorization")).toBe("Bearer token-1");
    expect(seen[0]!.headers.get("accept-language")).toBe("fr");
  });

  it("given a fetch elsewhere, when sent, then no token is attached", async () => {
    const seen: Request[] = [];
    const { fetch } = framedApp({
      appFetch: async (request) => {
        seen.push(request);
        return new Response("ok");
      },
    });
    await fetch("http://127.0.0.1:5555/other");
    expect(seen[0]!.headers.get("authorization")).toBeNull();
  });

  it("given a 401 asking for a retry, when fetched, then it retries once with a fresh token", async () => {
    const seen: string[] = [];
    const { fetch } = framedApp({
      appFetch: async (request) => {
        seen.push(`${request.headers.get("authorization")} ${await request.text()}`);
        if (seen.length === 1) {
          return new Response("", { status: 401, headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" } });
        }
        return new Response("done");
      },
    });
    const response = await fetch("/app/save", { method: "POST", body: "payload" });
    expect(await response.text()).toBe("done");
    expect(seen).toEqual(["Bearer token-1 payload", "Bearer token-2 payload"]);
  });

  it("given a toast, when shown, then the admin page is told", () => {
    const { shopify, posted } = framedApp({ appFetch: async () => new Response("ok") });
    shopify.toast.show("Saved", { isError: false });
    expect(posted.find((message) => message.action === "toast")?.payload).toMatchObject({ message: "Saved" });
  });
});
