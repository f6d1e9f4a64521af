import type { CustomerFacts, OrderFacts } from "../domain/sync-records.js";
import {
  APP_ACCESS_SCOPES,
  BULK_OPERATION,
  RUN_BULK_QUERY,
  type BulkOperationFields,
} from "../graphql/bulk-operations.js";
import {
  CUSTOMERS_BULK_QUERY,
  ORDERS_BULK_QUERY,
  PRODUCT_COLLECTIONS_BULK_QUERY,
  withSearch,
} from "../graphql/bulk-queries.js";
import type { GraphqlOperation } from "../graphql/operation.js";
import {
  customerRules,
  jsonLines,
  orderRules,
  productCollectionRules,
  RecordAssembler,
  type AssemblyRules,
} from "./bulk-jsonl.js";
import type { SyncStore } from "./sync-store.js";

/**
 * The bulk backfill of one shop's customers or orders: export with `bulkOperationRunQuery`, wait for it (finish
 * webhook or polling, polling always), stream the JSONL result line by line into records, upsert them in batches
 * and recompute metrics. Progress is kept in SyncState so a restart resumes after the last applied batch of the
 * same result file. Framework-free: Shopify, the file download, the stores and the clock come in as `BackfillDeps`.
 */

export type SyncResource = "customers" | "orders";
export type SyncStatus = "idle" | "running" | "completed" | "failed";

export interface SyncStateRecord {
  shop: string;
  resource: string;
  status: SyncStatus;
  bulkOperationId: string | null;
  bulkStatus: string | null;
  objectCount: number;
  processedCount: number;
  resumeLine: number;
  watermark: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  lastError: string | null;
  limitedToDays: number | null;
}

export type SyncStatePatch = Partial<Omit<SyncStateRecord, "shop" | "resource">>;

export interface SyncStateStore {
  get(shop: string, resource: string): Promise<SyncStateRecord | null>;
  /** Creates the row if missing. */
  update(shop: string, resource: string, patch: SyncStatePatch): Promise<SyncStateRecord>;
  list(shop: string): Promise<SyncStateRecord[]>;
}

export type TypedGraphql = <TData, TVariables extends Record<string, unknown>>(
  document: GraphqlOperation<TData, TVariables>,
  variables: TVariables,
) => Promise<TData>;

export interface BackfillClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface BackfillProgress {
  shop: string;
  resource: SyncResource | "catalog";
  phase: "exporting" | "downloading" | "metrics" | "done";
  bulkStatus: string | null;
  /** Lines Shopify has exported so far (the whole file once completed). */
  objectCount: number;
  /** Records applied so far. */
  processedCount: number;
  /** Lines read of the result file. */
  linesRead: number;
}

export interface BackfillDeps {
  graphql: TypedGraphql;
  /** The app's granted scopes on the shop (the offline session's); asked of Shopify when absent. */
  scopes?(): Promise<string[]>;
  /** Streams the bytes of a bulk result file (signed URL: no auth). */
  download(url: string, signal?: AbortSignal): AsyncIterable<Uint8Array | string>;
  store: SyncStore;
  state: SyncStateStore;
  clock: BackfillClock;
  /** Resolves when Shopify's `bulk_operations/finish` webhook for this operation arrives (optional). */
  waitForFinish?(bulkOperationId: string, signal: AbortSignal): Promise<void>;
  onProgress?(progress: BackfillProgress): void;
  random?: () => number;
}

export interface BackfillOptions {
  shop: string;
  resource: SyncResource;
  /** Start a new export even when an interrupted one could be resumed. */
  full?: boolean;
  signal?: AbortSignal;
  /** Records per upsert. */
  batchSize?: number;
  /** Parents kept open for late children (grouped output needs 1; more tolerates ungrouped order). */
  assemblyWindow?: number;
  firstPollMs?: number;
  maxPollMs?: number;
  /** Times a broken download is resumed from the last applied line before the backfill fails. */
  streamAttempts?: number;
}

export interface BackfillResult {
  shop: string;
  resource: SyncResource;
  bulkOperationId: string | null;
  processedCount: number;
  objectCount: number;
  resumedFromLine: number;
  limitedToDays: number | null;
  orphanLines: number;
}

export class BackfillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillError";
  }
}

/** Without read_all_orders Shopify shows only the last 60 days of orders. */
export const LIMITED_ORDER_DAYS = 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);
const BUSY_CODES = new Set(["OPERATION_IN_PROGRESS", "LIMIT_REACHED"]);

/**
 * Whether a resource still needs its backfill: it never completed, or it completed over Shopify's last 60 days
 * only and the shop has granted `read_all_orders` since. The second happens when the grant (`app/scopes_update`)
 * comes while that 60-day backfill runs: the running backfill then marks itself completed after the grant reset it.
 */
export function backfillOutstanding(
  state: { status: string; limitedToDays: number | null } | undefined,
  scopes: readonly string[],
): boolean {
  if (!state || state.status !== "completed") return true;
  return state.limitedToDays !== null && scopes.includes("read_all_orders");
}

/** The export query for a resource, and whether its result is limited to recent orders. */
export function exportQuery(
  resource: SyncResource,
  scopes: string[],
  nowMs: number,
): { query: string; limitedToDays: number | null } {
  if (resource === "customers") return { query: withSearch(CUSTOMERS_BULK_QUERY, ""), limitedToDays: null };
  if (scopes.includes("read_all_orders")) return { query: withSearch(ORDERS_BULK_QUERY, ""), limitedToDays: null };
  const since = new Date(nowMs - LIMITED_ORDER_DAYS * DAY_MS).toISOString().slice(0, 10);
  return { query: withSearch(ORDERS_BULK_QUERY, `created_at:>=${since}`), limitedToDays: LIMITED_ORDER_DAYS };
}

export async function runBackfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const { shop, resource } = options;
  try {
    return await backfill(deps, options);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await deps.state.update(shop, resource, { status: "failed", lastError: message.slice(0, 2000) });
    throw error;
  }
}

async function backfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const { shop, resource } = options;
  const signal = options.signal ?? new AbortController().signal;
  const previous = await deps.state.get(shop, resource);

  const scopes = deps.scopes
    ? await deps.scopes()
    : (await deps.graphql(APP_ACCESS_SCOPES, {})).currentAppInstallation.accessScopes.map((s) => s.handle);
  const { query, limitedToDays } = exportQuery(resource, scopes, deps.clock.now());

  // Product collections come from their own export (three connection levels are over the bulk limit).
  const collections = resource === "orders" ? await loadProductCollections(deps, options, signal) : null;

  let operation: BulkOperationFields | null = null;
  let resumeLine = 0;
  let processedCount = 0;
  if (!options.full && previous?.status !== "completed" && previous?.bulkOperationId) {
    const existing = (await deps.graphql(BULK_OPERATION, { id: previous.bulkOperationId })).bulkOperation;
    if (
      existing &&
      existing.query.trim() === query.trim() &&
      !["FAILED", "CANCELED", "EXPIRED"].includes(existing.status)
    ) {
      operation = existing;
      resumeLine = previous.resumeLine;
      processedCount = previous.processedCount;
    }
  }
  if (!operation) {
    operation = await startExport(deps, query, signal, options);
    await deps.state.update(shop, resource, {
      status: "running",
      bulkOperationId: operation.id,
      bulkStatus: operation.status,
      objectCount: 0,
      processedCount: 0,
      resumeLine: 0,
      startedAt: new Date(deps.clock.now()),
      finishedAt: null,
      lastError: null,
      limitedToDays,
    });
  } else {
    await deps.state.update(shop, resource, { status: "running", lastError: null, limitedToDays });
  }

  const report = (patch: Partial<BackfillProgress>) =>
    deps.onProgress?.({
      shop,
      resource,
      phase: "exporting",
      bulkStatus: operation?.status ?? null,
      objectCount: Number(operation?.objectCount ?? 0),
      processedCount,
      linesRead: resumeLine,
      ...patch,
    });

  const completed = await waitForCompletion(deps, operation, signal, options, async (op) => {
    await deps.state.update(shop, resource, { bulkStatus: op.status, objectCount: Number(op.objectCount) });
    report({ bulkStatus: op.status, objectCount: Number(op.objectCount) });
  });
  const objectCount = Number(completed.objectCount);

  let orphanLines = 0;
  const resumedFromLine = resumeLine;
  if (completed.url) {
    const batchSize = options.batchSize ?? 1000;
    const write =
      resource === "orders"
        ? (records: (OrderFacts | CustomerFacts)[]) => deps.store.upsertOrders(shop, records as OrderFacts[])
        : (records: (OrderFacts | CustomerFacts)[]) => deps.store.upsertCustomers(shop, records as CustomerFacts[]);
    const rules: AssemblyRules<OrderFacts | CustomerFacts> =
      resource === "orders"
        ? (orderRules((productId) => collections?.get(productId) ?? []) as AssemblyRules<OrderFacts | CustomerFacts>)
        : (customerRules as AssemblyRules<OrderFacts | CustomerFacts>);
    const url = completed.url;
    const attempts = options.streamAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await streamResult(deps, {
          url,
          rules,
          window: options.assemblyWindow ?? 64,
          fromLine: resumeLine,
          batchSize,
          signal,
          write,
          async checkpoint(nextResumeLine, applied, linesRead) {
            processedCount += applied;
            resumeLine = nextResumeLine;
            await deps.state.update(shop, resource, { processedCount, resumeLine });
            report({ phase: "downloading", processedCount, linesRead, objectCount });
          },
        });
        orphanLines = result.orphans;
        break;
      } catch (error) {
        if (signal.aborted || attempt >= attempts || !isStreamFailure(error)) throw error;
        await deps.clock.sleep(backoff(deps, attempt, 1000, 30_000), signal);
      }
    }
  }

  report({ phase: "metrics", objectCount });
  await deps.store.recomputeAllMetrics(shop);
  await deps.state.update(shop, resource, {
    status: "completed",
    bulkStatus: completed.status,
    objectCount,
    finishedAt: new Date(deps.clock.now()),
    // Records changed after the export began are picked up by reconciliation from here.
    watermark: new Date(completed.createdAt),
    lastError: null,
  });
  report({ phase: "done", objectCount });
  return {
    shop,
    resource,
    bulkOperationId: completed.id,
    processedCount,
    objectCount,
    resumedFromLine,
    limitedToDays,
    orphanLines,
  };
}

/** Errors of the download itself (network, truncated stream), not of our own processing. */
function isStreamFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof BackfillError) return false;
  return (
    error.name === "TypeError" ||
    error.name === "DownloadError" ||
    /socket|ECONNRESET|terminated|aborted/i.test(error.message)
  );
}

function backoff(deps: BackfillDeps, attempt: number, baseMs: number, maxMs: number): number {
  return (deps.random ?? Math.random)() * Math.min(maxMs, baseMs * 2 ** (attempt - 1));
}

async function startExport(
  deps: BackfillDeps,
  query: string,
  signal: AbortSignal,
  options: BackfillOptions,
): Promise<BulkOperationFields> {
  for (let attempt = 1; ; attempt++) {
    const payload = (await deps.graphql(RUN_BULK_QUERY, { query })).bulkOperationRunQuery;
    if (!payload) throw new BackfillError("bulkOperationRunQuery answered null");
    if (payload.bulkOperation && payload.userErrors.length === 0) return payload.bulkOperation;
    const busy = payload.userErrors.find((error) => error.code && BUSY_CODES.has(error.code));
    if (!busy) {
      throw new BackfillError(`Shopify refused the export: ${payload.userErrors.map((e) => e.message).join("; ")}`);
    }
    // Another export of this app runs on the shop. If it is this very query (a previous run of ours), use it;
    // otherwise wait for it to end and try again.
    const runningId = /gid:\/\/shopify\/BulkOperation\/\d+/.exec(busy.message)?.[0];
    if (runningId) {
      const running = (await deps.graphql(BULK_OPERATION, { id: runningId })).bulkOperation;
      if (running && !TERMINAL.has(running.status) && running.query.trim() === query.trim()) return running;
      if (running && !TERMINAL.has(running.status)) {
        await waitForCompletion(deps, running, signal, options, async () => undefined).catch(() => undefined);
        continue;
      }
    }
    if (attempt >= 20) throw new BackfillError(`Shopify kept answering ${busy.code}: ${busy.message}`);
    await deps.clock.sleep(backoff(deps, attempt, 2000, 60_000), signal);
  }
}

/** Polls `bulkOperation(id:)` with growing intervals; a finish webhook, when wired, cuts a wait short. */
async function waitForCompletion(
  deps: BackfillDeps,
  operation: BulkOperationFields,
  signal: AbortSignal,
  options: BackfillOptions,
  onPoll: (operation: BulkOperationFields) => Promise<void>,
): Promise<BulkOperationFields> {
  let current = operation;
  let delay = options.firstPollMs ?? 500;
  const maxDelay = options.maxPollMs ?? 15_000;
  const webhook = new AbortController();
  const stopWebhook = () => webhook.abort();
  signal.addEventListener("abort", stopWebhook, { once: true });
  let finished = false;
  const finishSignal = deps.waitForFinish?.(operation.id, webhook.signal).then(
    () => void (finished = true),
    () => undefined,
  );
  try {
    while (!TERMINAL.has(current.status)) {
      if (!finished) {
        const sleeper = new AbortController();
        const stopSleep = () => sleeper.abort();
        signal.addEventListener("abort", stopSleep, { once: true });
        const sleeping = deps.clock.sleep(delay, sleeper.signal).catch(() => undefined);
        await Promise.race([sleeping, finishSignal ?? sleeping]);
        sleeper.abort();
        signal.removeEventListener("abort", stopSleep);
        if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
      }
      const polled = (await deps.graphql(BULK_OPERATION, { id: current.id })).bulkOperation;
      if (!polled) throw new BackfillError(`Bulk operation ${current.id} is gone`);
      current = polled;
      await onPoll(current);
      delay = Math.min(maxDelay, Math.ceil(delay * 1.5));
      // After the webhook said it finished, poll briskly: Shopify's read may lag the webhook by a moment.
      if (finished) await deps.clock.sleep(Math.min(delay, 1000), signal);
    }
  } finally {
    webhook.abort();
    signal.removeEventListener("abort", stopWebhook);
  }
  if (current.status !== "COMPLETED") {
    throw new BackfillError(
      `Bulk operation ${current.id} ended ${current.status}${current.errorCode ? ` (${current.errorCode})` : ""}`,
    );
  }
  return current;
}

interface StreamJob<T> {
  url: string;
  rules: AssemblyRules<T>;
  window: number;
  fromLine: number;
  batchSize: number;
  signal: AbortSignal;
  write(records: T[]): Promise<unknown>;
  checkpoint(resumeLine: number, applied: number, linesRead: number): Promise<void>;
}

async function streamResult<T>(deps: BackfillDeps, job: StreamJob<T>): Promise<{ orphans: number; lines: number }> {
  const assembler = new RecordAssembler(job.rules, job.window);
  let batch: T[] = [];
  let nextLine = job.fromLine;
  // One batch is written while the next is read and parsed; its checkpoint follows its write, in file order.
  let writing: Promise<void> = Promise.resolve();
  const flush = async (resumeLine: number) => {
    const records = batch;
    const linesRead = nextLine;
    batch = [];
    const previous = writing;
    writing = previous.then(async () => {
      if (records.length > 0) await job.write(records);
      await job.checkpoint(resumeLine, records.length, linesRead);
    });
    // Its failure is raised by the next flush; until then it must not count as unhandled.
    writing.catch(() => undefined);
    await previous;
  };
  try {
    for await (const line of jsonLines(deps.download(job.url, job.signal), job.fromLine)) {
      nextLine = line.index + 1;
      for (const record of assembler.push(line)) batch.push(record);
      if (batch.length >= job.batchSize) await flush(assembler.resumeLine(nextLine));
    }
    for (const record of assembler.finish()) batch.push(record);
    await flush(nextLine);
  } finally {
    // A broken read first lets the batch being written finish, so a retry resumes after it.
    await writing.catch(() => undefined);
  }
  await writing;
  return { orphans: assembler.orphans, lines: nextLine };
}

async function loadProductCollections(
  deps: BackfillDeps,
  options: BackfillOptions,
  signal: AbortSignal,
): Promise<Map<string, string[]>> {
  const operation = await startExport(deps, withSearch(PRODUCT_COLLECTIONS_BULK_QUERY, ""), signal, options);
  const completed = await waitForCompletion(deps, operation, signal, options, async (op) => {
    deps.onProgress?.({
      shop: options.shop,
      resource: "catalog",
      phase: "exporting",
      bulkStatus: op.status,
      objectCount: Number(op.objectCount),
      processedCount: 0,
      linesRead: 0,
    });
  });
  const map = new Map<string, string[]>();
  if (!completed.url) return map;
  const assembler = new RecordAssembler(productCollectionRules, options.assemblyWindow ?? 64);
  const keep = (products: { productId: string; collectionIds: string[] }[]) => {
    for (const product of products) if (product.collectionIds.length) map.set(product.productId, product.collectionIds);
  };
  for await (const line of jsonLines(deps.download(completed.url, signal))) keep(assembler.push(line));
  keep(assembler.finish());
  return map;
}
