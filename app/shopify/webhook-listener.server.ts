import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookReceiver } from "./receive-webhook.server.js";
import { readNodeBodyWithin, WEBHOOK_BODY_LIMIT_BYTES, WebhookBodyTooLargeError } from "./webhook-body-limit.js";
import type { HeaderSource } from "./webhook-verification.js";

/**
 * Webhook deliveries straight off Node's HTTP server, ahead of express and Remix (`server.js` calls this first for
 * every request). Acknowledgement is the app's hot path — Shopify delivers in bursts and retries anything slower
 * than 5 s — and the generic pipeline (express, compression, access log, static files, a Fetch `Request` with its
 * AbortSignal, route matching, a Fetch `Response`) cost several times more CPU than verifying and recording the
 * delivery. Answers exactly what the routes `app/routes/webhooks.<topic>.tsx` answer (the same `WebhookReceiver`),
 * so the development server, which serves those routes, behaves the same.
 */
const PREFIX = "/webhooks/";

/** The topic of a delivery to `/webhooks/<topic>`; anything else (other paths, encoded ones) is left to Remix. */
function topicOf(url: string | undefined, topics: ReadonlySet<string>): string | null {
  if (!url?.startsWith(PREFIX)) return null;
  const query = url.indexOf("?");
  const topic = url.slice(PREFIX.length, query === -1 ? undefined : query);
  return topics.has(topic) ? topic : null;
}

function headerSource(request: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const value = request.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...headers,
    ...(body ? { "content-type": "text/plain; charset=utf-8" } : {}),
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

async function acknowledge(
  receiver: WebhookReceiver,
  topic: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    const body = await readNodeBodyWithin(request, WEBHOOK_BODY_LIMIT_BYTES);
    const answer = await receiver.acknowledge(topic, "POST", headerSource(request), body);
    send(response, answer.status, answer.body, answer.outcome ? { "x-cohort-webhook": answer.outcome } : {});
  } catch (error) {
    if (error instanceof WebhookBodyTooLargeError) {
      // Nothing read or recorded; the connection closes rather than receive the rest of the body.
      send(response, 413, error.message, { connection: "close" });
      return;
    }
    // Not recorded (or its follow-up failed): Shopify retries, and a retry of a recorded event is a duplicate.
    console.error(`[cohort] webhook ${topic} failed:`, error);
    if (!response.headersSent) send(response, 500, "Unexpected Server Error");
    else response.destroy();
  }
}

export type WebhookRequestHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Handles the request when it is a webhook delivery (a POST to a topic's endpoint); false leaves it to Remix. */
export function createWebhookListener(receiver: WebhookReceiver): WebhookRequestHandler {
  return (request, response) => {
    if (request.method !== "POST") return false;
    const topic = topicOf(request.url, receiver.topics);
    if (!topic) return false;
    void acknowledge(receiver, topic, request, response);
    return true;
  };
}
