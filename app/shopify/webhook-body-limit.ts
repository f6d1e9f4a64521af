import type { IncomingMessage } from "node:http";

/**
 * The largest webhook body Cohort reads. Shopify's largest payloads (an order with hundreds of line items, each with
 * its tax and discount lines) are a few hundred kilobytes; 10 MiB leaves room for any of them, while a request that
 * nobody has authenticated yet (the HMAC is checked over the whole body) cannot hold more than that in memory.
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

export class WebhookBodyTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`Webhook bodies are limited to ${limit} bytes`);
    this.name = "WebhookBodyTooLargeError";
  }
}

function declaredLength(contentLength: string | null | undefined): number | null {
  if (!contentLength || !/^\d+$/.test(contentLength)) return null;
  return Number(contentLength);
}

/** A Node request's body, refused as soon as its declared or received length passes `limit`. */
export function readNodeBodyWithin(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(request.headers["content-length"]);
    if (declared !== null && declared > limit) {
      reject(new WebhookBodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= limit) {
        chunks.push(chunk);
        return;
      }
      // What was read is let go; the rest of the stream is not buffered (the caller answers 413 and closes).
      chunks.length = 0;
      request.off("data", onData);
      reject(new WebhookBodyTooLargeError(limit));
    };
    request.on("data", onData);
    request.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    request.once("error", reject);
    // The sender gave up before the whole body arrived: nothing is recorded (no-op once the body has ended).
    request.once("close", () => reject(new Error("The delivery was aborted before its body arrived")));
  });
}

/** A Fetch request's body, refused as soon as its declared or received length passes `limit`. */
export async function readFetchBodyWithin(request: Request, limit: number): Promise<Buffer> {
  const declared = declaredLength(request.headers.get("content-length"));
  if (declared !== null && declared > limit) throw new WebhookBodyTooLargeError(limit);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      throw new WebhookBodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
