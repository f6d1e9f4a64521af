/**
 * Bulk operations in the local Shopify. `registerBulk` serves result files and lets finished operations fire
 * `bulk_operations/finish`; the GraphQL roots come from `bulkQueryResolvers` / `bulkMutationResolvers`.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import type { EmulatorContext } from "../context.js";
import { json, type Router } from "../http.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import { attachDispatcher, bulkFiles } from "./runner.js";

export { failNextBulkOperation, setBulkOperationDelay } from "./runner.js";
export { delayNextBulkMutation, failNextBulkMutation, resetBulkMutationKnobs } from "./mutation-runner.js";
export { MAX_STAGED_UPLOAD_BYTES } from "./staged-uploads.js";
export { bulkMutationResolvers, bulkQueryResolvers, MAX_CONCURRENT_QUERY_OPERATIONS } from "./resolvers.js";
export type { BulkOperationErrorCode, BulkOperationRecord, BulkOperationStatus } from "./operations.js";

/**
 * Bytes read per turn of the event loop while a result file is served. Shopify serves result files from storage,
 * unaffected by exports running meanwhile; here one event loop does both, and an export yields only between pages
 * (tens of milliseconds), so at the default 64 kB a download beside a running export crawled at a few MB/s.
 */
const DOWNLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** `GET /_bulk/<token>.jsonl`: the result (or partial) file, streamed as `application/jsonl`. */
export function registerBulk(router: Router, context: EmulatorContext, webhooks: WebhookDispatcher): void {
  attachDispatcher(context, webhooks);
  router.add("GET", "/_bulk/:token.jsonl", (request) => {
    const path = bulkFiles(context).files.get(request.params.token ?? "");
    if (!path || !existsSync(path)) return json(404, { errors: "Not Found" });
    return {
      status: 200,
      headers: {
        "content-type": "application/jsonl",
        "content-length": String(statSync(path).size),
        "content-disposition": `attachment; filename="bulk-${request.params.token}.jsonl"`,
      },
      body: createReadStream(path, { highWaterMark: DOWNLOAD_CHUNK_BYTES }),
    };
  });
}
