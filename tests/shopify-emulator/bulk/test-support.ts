/** Test helpers: an emulator with an app that records webhooks, a shop with a token, and GraphQL over HTTP. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "../server.js";
import { EmulatorClient } from "../client.js";

export interface BulkHarness {
  emulator: RunningEmulator;
  client: EmulatorClient;
  received: { topic: string; body: string }[];
  close(): Promise<void>;
}

export async function startHarness(
  topics: readonly string[] = ["bulk_operations/finish"],
  scopes: readonly string[] = ["read_orders", "read_customers", "read_products"],
): Promise<BulkHarness> {
  const received: { topic: string; body: string }[] = [];
  const app: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        topic: String(request.headers["x-shopify-topic"]),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  const tomlPath = join(mkdtempSync(join(tmpdir(), "bulk-")), "shopify.app.toml");
  writeFileSync(
    tomlPath,
    `[webhooks]\napi_version = "2026-10"\n[[webhooks.subscriptions]]\ntopics = ${JSON.stringify(topics)}\nuri = "/webhooks"\n`,
  );
  const emulator = await startEmulator({
    config: {
      app: {
        apiKey: "bulk-key",
        apiSecret: "bulk-secret",
        appUrl,
        handle: "cohort",
        name: "Cohort",
        scopes: [...scopes],
      },
      appTomlPath: tomlPath,
      timeScale: 1,
      sessionTokenTtlSeconds: 60,
      accessTokenTtlSeconds: 3600,
    },
  });
  return {
    emulator,
    client: new EmulatorClient(emulator.url),
    received,
    async close() {
      await emulator.close();
      await new Promise((resolve) => app.close(resolve));
    },
  };
}

export type GraphqlBody = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: unknown;
};

export function graphqlCaller(url: string, shop: string, token: string, version = "2026-10") {
  return async (query: string, variables: Record<string, unknown> = {}): Promise<GraphqlBody> => {
    const response = await fetch(`${url}/admin/api/${version}/graphql.json`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-access-token": token,
        "x-shopify-emulator-shop": `${shop}.myshopify.com`,
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphqlBody;
  };
}

export const OPERATION_FIELDS =
  "id status type errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query";

export const RUN_QUERY = `mutation Run($query: String!) { bulkOperationRunQuery(query: $query) {
  bulkOperation { ${OPERATION_FIELDS} } userErrors { field message code } } }`;
export const READ_OPERATION = `query Read($id: ID!) { bulkOperation(id: $id) { ${OPERATION_FIELDS} } }`;
export const CANCEL = `mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) {
  bulkOperation { ${OPERATION_FIELDS} } userErrors { field message } } }`;

export async function until<T>(probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
