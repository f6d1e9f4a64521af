import { createHmac } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WebhookDelivery } from "../../../app/services/sync/ports.js";
import { createWebhookReceiver, type WebhookReceiver } from "../../../app/shopify/receive-webhook.server.js";
import { WEBHOOK_BODY_LIMIT_BYTES } from "../../../app/shopify/webhook-body-limit.js";
import { createWebhookListener } from "../../../app/shopify/webhook-listener.server.js";

const SECRET = "body-limit-secret";
const TOPIC = "orders/create";

function headersFor(body: Buffer): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-shopify-hmac-sha256": createHmac("sha256", SECRET).update(body).digest("base64"),
    "x-shopify-shop-domain": "limits.myshopify.com",
    "x-shopify-topic": TOPIC,
    "x-shopify-webhook-id": `webhook-${body.length}`,
    "x-shopify-api-version": "2026-10",
  };
}

/** A validly signed JSON body of exactly `size` bytes: only its size can get it refused. */
function signedBody(size: number): Buffer {
  const prefix = '{"id":1,"note":"';
  const suffix = '"}';
  return Buffer.from(prefix + "x".repeat(size - prefix.length - suffix.length) + suffix);
}

interface Answer {
  status: number;
  body: string;
}

/** Posts in 64 KiB chunks, with or without a Content-Length, and reads the answer even if it comes early. */
function post(url: string, body: Buffer, declareLength: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = headersFor(body);
    if (declareLength) headers["content-length"] = String(body.length);
    const request = httpRequest(url, { method: "POST", headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    // Once the server has answered 413 and closed, the rest of the upload fails to write: that is the point.
    request.on("error", (error) => (request.writableEnded ? undefined : reject(error)));
    let offset = 0;
    const writeMore = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + 65_536);
        offset += chunk.length;
        if (request.destroyed) return;
        if (!request.write(chunk)) {
          request.once("drain", writeMore);
          return;
        }
      }
      request.end();
    };
    writeMore();
  });
}

describe("webhook bodies over the limit", () => {
  const recorded: WebhookDelivery[] = [];
  let receiver: WebhookReceiver;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    receiver = createWebhookReceiver({
      inbox: {
        async insertIfNew(delivery) {
          recorded.push(delivery);
          return true;
        },
      },
      apiSecret: SECRET,
      topics: { [TOPIC]: async () => {} },
    });
    const listener = createWebhookListener(receiver);
    server = createServer((request, response) => {
      if (!listener(request, response)) response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${TOPIC}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("given a signed body at the limit, when delivered to the fast path, then it is recorded (the limit is not lower than it says)", async () => {
    recorded.length = 0;
    const answer = await post(url, signedBody(WEBHOOK_BODY_LIMIT_BYTES), true);
    expect(answer.status).toBe(200);
    expect(recorded).toHaveLength(1);
  });

  it.each([
    ["declaring its length", true],
    ["streamed without a length", false],
  ])(
    "given a signed body one byte over the limit %s, when delivered to the fast path, then it answers 413 and records nothing",
    async (_label, declareLength) => {
      recorded.length = 0;
      const answer = await post(url, signedBody(WEBHOOK_BODY_LIMIT_BYTES + 1), declareLength);
      expect(answer.status).toBe(413);
      expect(answer.body).toContain(String(WEBHOOK_BODY_LIMIT_BYTES));
      expect(recorded).toEqual([]);
    },
  );

  it.each([
    ["declaring its length", true],
    ["streamed without a length", false],
  ])(
    "given a signed body over the limit %s, when delivered to the Remix route, then it answers 413 and records nothing",
    async (_label, declareLength) => {
      recorded.length = 0;
      const body = signedBody(WEBHOOK_BODY_LIMIT_BYTES + 1);
      const headers = new Headers(headersFor(body));
      if (declareLength) headers.set("content-length", String(body.length));
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= body.length) return controller.close();
          controller.enqueue(body.subarray(pulled, pulled + 65_536));
          pulled += 65_536;
        },
      });
      const request = new Request(url, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit);
      const response = await receiver.receive(request, TOPIC);
      expect(response.status).toBe(413);
      expect(recorded).toEqual([]);
      if (declareLength) expect(pulled, "refused before reading the body").toBeLessThanOrEqual(65_536 * 2);
    },
  );

  it("given a signed body under the limit, when delivered to the Remix route, then it is recorded", async () => {
    recorded.length = 0;
    const body = signedBody(2_000);
    const response = await receiver.receive(
      new Request(url, { method: "POST", headers: headersFor(body), body: new Uint8Array(body) }),
      TOPIC,
    );
    expect(response.status).toBe(200);
    expect(recorded).toHaveLength(1);
  });
});
