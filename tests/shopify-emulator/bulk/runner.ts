/**
 * The life of a query operation: CREATED (answered at once) → RUNNING in the background → COMPLETED, FAILED or,
 * after `bulkOperationCancel`, CANCELING → CANCELED. The export writes JSONL to a temp file page by page, yielding
 * to the event loop between pages, and `bulk_operations/finish` is fired at the end.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getNamedType } from "graphql";
import type { EmulatorContext } from "../context.js";
import { hasScope } from "../graphql/execute.js";
import { getAdminSchema, type ResolverContext } from "../graphql/schema.js";
import { buildRootResolvers } from "../graphql/resolvers/index.js";
import { dateTime } from "../graphql/resolvers/format.js";
import { toGid } from "../store/types.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import { directExecutor, jsonlChunk, type BulkExecutor, type JsonLine } from "./export.js";
import type { BulkOperationErrorCode, BulkOperationRecord } from "./operations.js";
import type { FieldPlan } from "./plan.js";
import type { CompiledBulkQuery } from "./validate.js";

// ---- knobs for tests (module-wide: the lead wires them to the control API) -----------------------------------

const injectedFailures = new Map<number, BulkOperationErrorCode>();
let startDelayMs = 0;

/** The next query operation of `shopId` fails with `errorCode` after its first page (partial data kept). */
export function failNextBulkOperation(shopId: number, errorCode: BulkOperationErrorCode): void {
  injectedFailures.set(shopId, errorCode);
}

/** Operations stay CREATED this long (Shopify time, multiplied by `config.timeScale`) before they run. */
export function setBulkOperationDelay(ms: number): void {
  startDelayMs = Math.max(0, ms);
}

/** The start delay `setBulkOperationDelay` set (query and mutation operations alike). */
export function bulkOperationStartDelayMs(): number {
  return startDelayMs;
}

// ---- where results live ---------------------------------------------------------------------------------------

interface BulkFiles {
  dir: string;
  /** token → absolute path. */
  files: Map<string, string>;
}

const filesByContext = new WeakMap<EmulatorContext, BulkFiles>();
const dispatchers = new WeakMap<EmulatorContext, WebhookDispatcher>();

export function bulkFiles(ctx: EmulatorContext): BulkFiles {
  let files = filesByContext.get(ctx);
  if (!files) {
    files = { dir: mkdtempSync(join(tmpdir(), "shopify-bulk-")), files: new Map() };
    filesByContext.set(ctx, files);
  }
  return files;
}

export function attachDispatcher(ctx: EmulatorContext, webhooks: WebhookDispatcher): void {
  dispatchers.set(ctx, webhooks);
}

// ---- scopes -----------------------------------------------------------------------------------------------------

const SCOPE_OF_TYPE: Readonly<Record<string, string>> = {
  Order: "read_orders",
  Customer: "read_customers",
  Product: "read_products",
  ProductVariant: "read_products",
  Collection: "read_products",
};

/** The first access scope the query needs and the token lacks (Shopify fails the operation with ACCESS_DENIED). */
export function missingScope(roots: FieldPlan[], scopes: readonly string[]): string | null {
  const walk = (plans: FieldPlan[]): string | null => {
    for (const plan of plans) {
      const type =
        plan.kind === "connection" ? plan.nodeType : plan.definition ? getNamedType(plan.definition.type) : null;
      const scope = type ? SCOPE_OF_TYPE[type.name] : undefined;
      if (scope && !hasScope(scopes, scope)) return scope;
      const nested = walk(plan.selections);
      if (nested) return nested;
    }
    return null;
  };
  return walk(roots.filter((plan) => plan.kind === "connection"));
}

// ---- running ----------------------------------------------------------------------------------------------------

let defaultExecutor: BulkExecutor | null = null;

function executor(): BulkExecutor {
  defaultExecutor ??= directExecutor(getAdminSchema(), buildRootResolvers());
  return defaultExecutor;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function writeChunk(stream: WriteStream, chunk: string): Promise<void> {
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => stream.once("drain", () => resolve()));
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}

function finishPayload(operation: BulkOperationRecord) {
  return {
    admin_graphql_api_id: toGid("BulkOperation", operation.id),
    completed_at: dateTime(operation.completedAt),
    created_at: dateTime(operation.createdAt),
    error_code: operation.errorCode ? operation.errorCode.toLowerCase() : null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}

/**
 * An operation's terminal state once its file is written: CANCELED (file dropped), FAILED (a partial file kept when
 * it holds anything) or COMPLETED (the result file, when not empty). Shared by query and mutation operations.
 */
export function settleOperation(
  ctx: EmulatorContext,
  files: BulkFiles,
  operation: BulkOperationRecord,
  written: { path: string; token: string; bytes: number; failure: BulkOperationErrorCode | null },
): void {
  const { path, token, bytes, failure } = written;
  if (operation.cancelRequested) {
    operation.status = "CANCELED";
    rmSync(path, { force: true });
    return;
  }
  operation.completedAt = ctx.store.nowIso();
  if (failure) {
    operation.status = "FAILED";
    operation.errorCode = failure;
  } else operation.status = "COMPLETED";
  if (bytes === 0) {
    rmSync(path, { force: true });
    return;
  }
  files.files.set(token, path);
  if (failure) operation.partialToken = token;
  else {
    operation.resultToken = token;
    operation.fileSize = bytes;
  }
}

/** Fires `bulk_operations/finish` for a terminal operation (delivery not guaranteed, as on Shopify). */
export function announce(ctx: EmulatorContext, operation: BulkOperationRecord): void {
  const webhooks = dispatchers.get(ctx);
  const shop = ctx.store.getShop(operation.shopId);
  if (!webhooks || !shop) return;
  try {
    webhooks.fire(shop.domain, "bulk_operations/finish", finishPayload(operation));
  } catch (error) {
    console.error("[shopify-emulator] bulk_operations/finish", error);
  }
}

export interface RunOptions {
  executor?: BulkExecutor;
}

/** Starts the export in the background; resolves when the operation is terminal (callers need not await it). */
export async function runQueryOperation(
  ctx: EmulatorContext,
  resolverContext: ResolverContext,
  operation: BulkOperationRecord,
  compiled: CompiledBulkQuery,
  options: RunOptions = {},
): Promise<void> {
  const injected = injectedFailures.get(operation.shopId) ?? null;
  if (injected) injectedFailures.delete(operation.shopId);
  await sleep(startDelayMs * ctx.config.timeScale);

  const finish = (): void => {
    operation.cancelRequested = false;
    announce(ctx, operation);
  };
  if (operation.cancelRequested) {
    operation.status = "CANCELED";
    return finish();
  }
  operation.status = "RUNNING";
  if (missingScope(compiled.roots, resolverContext.scopes)) {
    operation.status = "FAILED";
    operation.errorCode = "ACCESS_DENIED";
    operation.completedAt = ctx.store.nowIso();
    return finish();
  }

  const files = bulkFiles(ctx);
  const token = randomBytes(16).toString("hex");
  const path = join(files.dir, `${token}.jsonl`);
  const stream = createWriteStream(path);
  let bytes = 0;
  let pages = 0;
  let failure: BulkOperationErrorCode | null = null;
  try {
    /** One write per page, awaiting `drain` when the stream's buffer is full. */
    const writePage = async (chunk: string, lineCount: number, roots: number): Promise<void> => {
      if (chunk) {
        bytes += Buffer.byteLength(chunk);
        await writeChunk(stream, chunk);
      }
      operation.objectCount += lineCount;
      operation.rootObjectCount += roots;
      pages += 1;
      if (injected && pages >= 1) failure = injected;
    };
    await (options.executor ?? executor()).run(compiled, resolverContext, {
      page: (lines: JsonLine[], roots: number) => writePage(jsonlChunk(lines), lines.length, roots),
      text: writePage,
      shouldStop: () => operation.cancelRequested || failure !== null,
    });
  } catch (error) {
    console.error("[shopify-emulator] bulk operation failed", error);
    failure = "INTERNAL_SERVER_ERROR";
  }
  await closeStream(stream);

  settleOperation(ctx, files, operation, { path, token, bytes, failure });
  finish();
}
