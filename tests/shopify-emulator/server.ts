import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorConfig, EmulatorContext } from "./context.js";
import { json, readBody, readBodyWithin, Router, send, shopDomainOf } from "./http.js";
import { EmulatorStore } from "./store/store.js";
import { registerGraphql } from "./graphql/index.js";
import { registerOAuth } from "./auth/oauth.js";
import { registerAdmin } from "./admin/index.js";
import { registerControl } from "./control/index.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { registerBulk } from "./bulk/index.js";
import { registerStagedUploads } from "./bulk/staged-uploads.js";

export interface StartEmulatorOptions {
  port?: number;
  host?: string;
  store?: EmulatorStore;
  config: EmulatorConfig;
}

export interface RunningEmulator {
  url: string;
  store: EmulatorStore;
  context: EmulatorContext;
  webhooks: WebhookDispatcher;
  close(): Promise<void>;
}

/** Starts the local Shopify. Every module registers its routes on one router; there is no other state. */
export async function startEmulator(options: StartEmulatorOptions): Promise<RunningEmulator> {
  const store = options.store ?? new EmulatorStore();
  let origin = "";
  const context: EmulatorContext = { store, config: options.config, origin: () => origin };
  const router = new Router();
  const webhooks = new WebhookDispatcher(context);

  registerGraphql(router, context);
  registerOAuth(router, context);
  registerAdmin(router, context);
  registerControl(router, context, webhooks);
  registerBulk(router, context, webhooks);
  registerStagedUploads(router, context);

  const server: Server = createServer((request, response) => {
    void (async () => {
      try {
        const url = new URL(request.url ?? "/", "http://emulator.local");
        const matched = router.match(request.method ?? "GET", url.pathname);
        if (!matched) {
          send(response, json(404, { errors: "Not Found" }));
          return;
        }
        const { bodyLimitBytes, onBodyTooLarge } = matched.options;
        const rawBody = bodyLimitBytes ? await readBodyWithin(request, bodyLimitBytes) : await readBody(request);
        if (rawBody === null) {
          send(response, onBodyTooLarge?.() ?? json(413, { errors: "Request body too large" }));
          return;
        }
        const result = await matched.handler({
          method: request.method ?? "GET",
          path: url.pathname,
          url,
          headers: request.headers,
          params: matched.params,
          rawBody,
          shopDomain: shopDomainOf(request, url),
        });
        send(response, result);
      } catch (error) {
        console.error("[shopify-emulator]", error);
        if (!response.headersSent) send(response, json(500, { errors: "Internal Server Error" }));
        else response.end();
      }
    })();
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  origin = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
  webhooks.start();

  return {
    url: origin,
    store,
    context,
    webhooks,
    async close() {
      webhooks.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
