import type { WebhookInboxRepository } from "../services/sync/ports.js";
import { recordWebhook } from "../services/sync/webhook-inbox.js";
import { readFetchBodyWithin, WEBHOOK_BODY_LIMIT_BYTES, WebhookBodyTooLargeError } from "./webhook-body-limit.js";
import { verifyWebhook, type HeaderSource, type VerifiedWebhook } from "./webhook-verification.js";

export type WebhookContext = VerifiedWebhook;

/**
 * What runs once a topic's event is recorded. It runs for duplicates too: if it failed the first time (the delivery
 * answered 500), Shopify's retry arrives as a duplicate and must still get the work done, so it has to be idempotent.
 */
export type AfterRecord = (context: WebhookContext) => Promise<void>;

export interface WebhookReceiverDeps {
  inbox: WebhookInboxRepository;
  apiSecret: string;
  /** Every topic the app receives, each at `/webhooks/<topic>` (its route file is named after it). */
  topics: Readonly<Record<string, AfterRecord>>;
}

export interface WebhookAnswer {
  status: number;
  /** Why a delivery was refused; empty for 200. */
  body: string;
  /** `recorded` or `duplicate`, for 200 only. */
  outcome?: string;
}

/**
 * What every webhook delivery gets, whichever server received it: verify the HMAC (a wrong one answers 401 and
 * records nothing), check the topic is the endpoint's, record the event once (durably: the answer waits for the
 * write), run the topic's follow-up, then acknowledge.
 */
export type AcknowledgeWebhook = (
  expectedTopic: string,
  method: string,
  headers: HeaderSource,
  rawBody: string | Buffer,
) => Promise<WebhookAnswer>;

export interface WebhookReceiver {
  topics: ReadonlySet<string>;
  acknowledge: AcknowledgeWebhook;
  /** The Remix route action of `/webhooks/<topic>` (used by the development server; see `webhook-listener.server.ts`). */
  receive(request: Request, expectedTopic: string): Promise<Response>;
}

export function createWebhookReceiver({ inbox, apiSecret, topics }: WebhookReceiverDeps): WebhookReceiver {
  const acknowledge: AcknowledgeWebhook = async (expectedTopic, method, headers, rawBody) => {
    const verification = verifyWebhook(method, headers, rawBody, apiSecret);
    if (!verification.ok) return { status: verification.status, body: verification.reason };
    const { webhook } = verification;
    if (webhook.topic !== expectedTopic) {
      return { status: 400, body: `This endpoint receives ${expectedTopic}, not ${webhook.topic}` };
    }
    const outcome = await recordWebhook(inbox, { ...webhook, topic: expectedTopic });
    const afterRecord = topics[expectedTopic];
    if (afterRecord) await afterRecord(webhook);
    return { status: 200, body: "", outcome };
  };
  return {
    topics: new Set(Object.keys(topics)),
    acknowledge,
    async receive(request, expectedTopic) {
      let body: Buffer;
      try {
        body = await readFetchBodyWithin(request, WEBHOOK_BODY_LIMIT_BYTES);
      } catch (error) {
        if (!(error instanceof WebhookBodyTooLargeError)) throw error;
        return new Response(error.message, { status: 413, headers: { connection: "close" } });
      }
      const answer = await acknowledge(expectedTopic, request.method, request.headers, body);
      return answer.status === 200
        ? new Response(null, { status: 200, headers: { "x-cohort-webhook": answer.outcome ?? "recorded" } })
        : new Response(answer.body, { status: answer.status });
    },
  };
}
