import type { CustomerFacts, OrderFacts } from "../../domain/sync/sync-records.js";
import {
  APP_ACCESS_SCOPES,
  BULK_OPERATION,
  RUN_BULK_QUERY,
  type BulkOperationFields,
  type BulkUserError,
} from "../../graphql/bulk-operations.js";
import {
  CUSTOMERS_BULK_QUERY,
  ORDERS_BULK_QUERY,
  PRODUCT_COLLECTIONS_BULK_QUERY,
  withSearch,
} from "../../graphql/bulk-queries.js";
import type { GraphqlOperation } from "../../graphql/operation.js";
import { ORDERS_EXPORT_PLAN_QUERY } from "../../graphql/order-export-plan.js";
import {
  customerRules,
  jsonLines,
  numericId,
  orderRules,
  readProductCollections,
  RecordAssembler,
  type AssemblyRules,
} from "./bulk-jsonl.js";
import {
  DEFAULT_PARTITIONING,
  newPartitionsState,
  parsePartitionsState,
  planIdRanges,
  rangeSearch,
  type PartitionsState,
} from "./order-partitions.js";
import {
  type SyncStore,
  type SyncResource,
  type SyncStatePatch,
  type SyncStateRecord,
  type SyncStateStore,
} from "./ports.js";

/**
 * The bulk backfill of one shop's customers or orders: export with `bulkOperationRunQuery`, wait for it (finish
 * webhook or polling, polling always), stream the JSONL result line by line into records, upsert them in batches
 * and recompute metrics. Progress is kept in SyncState so a restart resumes after the last applied batch of the
 * same result file. Framework-free: Shopify, the file download, the stores and the clock come in as `BackfillDeps`.
 *
 * A large shop's orders (at least `partitionThreshold`) are exported in id ranges (`order-partitions.ts`), and the
 * export is pipelined: while range k is downloaded and applied, the next `exportsAhead` ranges export on Shopify.
 */

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
  /**
   * `exporting` until the first result can be applied, then `downloading` (with id ranges, also while a later
   * range is still being waited for), `metrics`, `done`.
   */
  phase: "exporting" | "downloading" | "metrics" | "done";
  bulkStatus: string | null;
  /** Lines Shopify has exported so far (the whole file once completed; with id ranges, the sum of the ranges). */
  objectCount: number;
  /** Records applied so far. */
  processedCount: number;
  /** Lines read of the result file (with id ranges: of all ranges so far). */
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
  /** Orders at or above which the orders export is split into id ranges (100,000). */
  partitionThreshold?: number;
  /** Orders per id range aimed at (125,000). */
  partitionSize?: number;
  /** Most id ranges (16). */
  maxPartitions?: number;
  /**
   * Id-range exports kept started ahead of the one being applied (2; at most Shopify's 5 concurrent operations).
   * More keeps Shopify busier; fewer lets the first range finish sooner where exports share one machine (the
   * local Shopify runs concurrent exports interleaved on one event loop).
   */
  exportsAhead?: number;
}

export interface BackfillResult {
  shop: string;
  resource: SyncResource;
  /** The export read (with id ranges: the last range's). */
  bulkOperationId: string | null;
  processedCount: number;
  objectCount: number;
  resumedFromLine: number;
  limitedToDays: number | null;
  orphanLines: number;
  /** Id ranges the export was split into (1: one export). */
  partitions: number;
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
const UNUSABLE = new Set(["FAILED", "CANCELED", "EXPIRED"]);
const BUSY_CODES = new Set(["OPERATION_IN_PROGRESS", "LIMIT_REACHED"]);
/** Bulk query operations Shopify runs at once per shop and app (API 2026-01 and later). */
const MAX_CONCURRENT_EXPORTS = 5;

/**
 * The export query for a resource, its search (the filter spliced into it; empty for everything), and whether
 * its result is limited to recent orders.
 */
export function exportQuery(
  resource: SyncResource,
  scopes: string[],
  nowMs: number,
): { query: string; search: string; limitedToDays: number | null } {
  if (resource === "customers") return { query: withSearch(CUSTOMERS_BULK_QUERY, ""), search: "", limitedToDays: null };
  if (scopes.includes("read_all_orders")) {
    return { query: withSearch(ORDERS_BULK_QUERY, ""), search: "", limitedToDays: null };
  }
  const since = new Date(nowMs - LIMITED_ORDER_DAYS * DAY_MS).toISOString().slice(0, 10);
  const search = `created_at:>=${since}`;
  return { query: withSearch(ORDERS_BULK_QUERY, search), search, limitedToDays: LIMITED_ORDER_DAYS };
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

/** What one backfill run shares between its steps. */
interface Run {
  deps: BackfillDeps;
  options: BackfillOptions;
  signal: AbortSignal;
  shop: string;
  resource: SyncResource;
  limitedToDays: number | null;
  write(records: (OrderFacts | CustomerFacts)[]): Promise<unknown>;
  rules: AssemblyRules<OrderFacts | CustomerFacts>;
}

async function backfill(deps: BackfillDeps, options: BackfillOptions): Promise<BackfillResult> {
  const { shop, resource } = options;
  const signal = options.signal ?? new AbortController().signal;
  const previous = await deps.state.get(shop, resource);

  const scopes = deps.scopes
    ? await deps.scopes()
    : (await deps.graphql(APP_ACCESS_SCOPES, {})).currentAppInstallation.accessScopes.map((s) => s.handle);
  const { query, search, limitedToDays } = exportQuery(resource, scopes, deps.clock.now());

  // Product collections come from their own export (three connection levels are over the bulk limit).
  const collections = resource === "orders" ? await loadProductCollections(deps, options, signal) : null;

  const run: Run = {
    deps,
    options,
    signal,
    shop,
    resource,
    limitedToDays,
    write:
      resource === "orders"
        ? (records) => deps.store.upsertOrders(shop, records as OrderFacts[])
        : (records) => deps.store.upsertCustomers(shop, records as CustomerFacts[]),
    rules:
      resource === "orders"
        ? (orderRules((productId) => collections?.get(productId) ?? []) as AssemblyRules<OrderFacts | CustomerFacts>)
        : (customerRules as AssemblyRules<OrderFacts | CustomerFacts>),
  };

  const resumable = !options.full && previous !== null && previous.status !== "completed";
  if (resource === "orders") {
    // An interrupted backfill in id ranges goes on with its ranges while its search is the same.
    const stored = resumable ? parsePartitionsState(previous.partitions) : null;
    if (stored && stored.search === search) return partitionedExport(run, stored, previous);
  }
  if (resumable && previous.bulkOperationId) {
    const existing = await reusableOperation(deps, previous.bulkOperationId, query);
    if (existing) return singleExport(run, query, { operation: existing, previous });
  }
  if (resource === "orders") {
    const plan = await planPartitions(run, search);
    if (plan) return partitionedExport(run, plan, null);
  }
  return singleExport(run, query, null);
}

/** The state of a backfill starting anew, with its export when there is one export. */
function startedState(
  deps: BackfillDeps,
  limitedToDays: number | null,
  operation: BulkOperationFields | null,
): SyncStatePatch {
  return {
    status: "running",
    bulkOperationId: operation?.id ?? null,
    bulkStatus: operation?.status ?? null,
    objectCount: 0,
    processedCount: 0,
    resumeLine: 0,
    startedAt: new Date(deps.clock.now()),
    finishedAt: null,
    lastError: null,
    limitedToDays,
  };
}

/** A previous run's export, if it can still be read: it exists, runs this very query, and has not failed. */
async function reusableOperation(deps: BackfillDeps, id: string, query: string): Promise<BulkOperationFields | null> {
  const existing = (await deps.graphql(BULK_OPERATION, { id })).bulkOperation;
  return existing && existing.query.trim() === query.trim() && !UNUSABLE.has(existing.status) ? existing : null;
}

/** Streams one result file from `fromLine` into the store, resuming a broken download in-process. */
async function ingestFile(
  run: Run,
  url: string,
  fromLine: number,
  checkpoint: (resumeLine: number, applied: number, linesRead: number) => Promise<void>,
): Promise<{ orphans: number; lines: number }> {
  const { deps, options, signal } = run;
  let resumeLine = fromLine;
  const attempts = options.streamAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await streamResult(deps, {
        url,
        rules: run.rules,
        window: options.assemblyWindow ?? 64,
        fromLine: resumeLine,
        batchSize: options.batchSize ?? 1000,
        signal,
        write: run.write,
        async checkpoint(nextResumeLine, applied, linesRead) {
          resumeLine = nextResumeLine;
          await checkpoint(nextResumeLine, applied, linesRead);
        },
      });
    } catch (error) {
      if (signal.aborted || attempt >= attempts || !isStreamFailure(error)) throw error;
      await deps.clock.sleep(backoff(deps, attempt, 1000, 30_000), signal);
    }
  }
}

/** One export of everything (customers, and orders of shops under the partition threshold). */
async function singleExport(
  run: Run,
  query: string,
  resume: { operation: BulkOperationFields; previous: SyncStateRecord } | null,
): Promise<BackfillResult> {
  const { deps, options, signal, shop, resource, limitedToDays } = run;
  let operation: BulkOperationFields;
  let resumeLine = 0;
  let processedCount = 0;
  if (resume) {
    operation = resume.operation;
    resumeLine = resume.previous.resumeLine;
    processedCount = resume.previous.processedCount;
    await deps.state.update(shop, resource, { status: "running", lastError: null, limitedToDays });
  } else {
    operation = await startExport(deps, query, signal, options);
    await deps.state.update(shop, resource, { ...startedState(deps, limitedToDays, operation), partitions: null });
  }

  const report = (patch: Partial<BackfillProgress>) =>
    deps.onProgress?.({
      shop,
      resource,
      phase: "exporting",
      bulkStatus: operation.status,
      objectCount: Number(operation.objectCount),
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
    const result = await ingestFile(run, completed.url, resumeLine, async (nextResumeLine, applied, linesRead) => {
      processedCount += applied;
      resumeLine = nextResumeLine;
      await deps.state.update(shop, resource, { processedCount, resumeLine });
      report({ phase: "downloading", processedCount, linesRead, objectCount });
    });
    orphanLines = result.orphans;
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
    partitions: 1,
  };
}

/**
 * Whether the shop's orders are many enough to export in id ranges: one request for the count and the lowest and
 * highest order id under the export's own search. Null (one export) under the threshold.
 */
async function planPartitions(run: Run, search: string): Promise<PartitionsState | null> {
  const { options } = run;
  const answer = await run.deps.graphql(ORDERS_EXPORT_PLAN_QUERY, { query: search === "" ? null : search });
  const lowest = numericId(answer.lowest.nodes[0]?.id);
  const highest = numericId(answer.highest.nodes[0]?.id);
  if (!answer.ordersCount || lowest === null || highest === null) return null;
  const ranges = planIdRanges(answer.ordersCount.count, lowest, highest, {
    threshold: options.partitionThreshold ?? DEFAULT_PARTITIONING.threshold,
    targetSize: options.partitionSize ?? DEFAULT_PARTITIONING.targetSize,
    maxPartitions: options.maxPartitions ?? DEFAULT_PARTITIONING.maxPartitions,
  });
  return ranges ? newPartitionsState(search, ranges) : null;
}

/**
 * The orders export in id ranges, pipelined: range k is downloaded and applied (in range order, one at a time, so
 * memory stays that of one stream) while the exports of the next `exportsAhead` ranges run on Shopify. SyncState
 * keeps the plan (`partitions`): each range's operation id and `createdAt`, and whether it is fully applied;
 * `bulkOperationId`/`resumeLine` are those of the first range not yet applied, `processedCount` the total. A
 * restart goes on with the first range not applied, from its `resumeLine` when its export can still be read, and
 * reuses the stored exports of later ranges that still exist with the same query and have not failed.
 */
async function partitionedExport(
  run: Run,
  plan: PartitionsState,
  previous: SyncStateRecord | null,
): Promise<BackfillResult> {
  const { deps, options, signal, shop, resource, limitedToDays } = run;
  const parts = plan.parts;
  const queries = parts.map((part) => withSearch(ORDERS_BULK_QUERY, rangeSearch(plan.search, part)));
  const ahead = Math.min(MAX_CONCURRENT_EXPORTS, Math.max(1, Math.floor(options.exportsAhead ?? 2)));
  /** Each range's export as last seen in this run (null: not started or not yet checked). */
  const operations: (BulkOperationFields | null)[] = parts.map(() => null);
  const checked = new Set<number>();
  /** Lines exported per range: final for completed ones, the last poll for the one waited for. */
  const counts = parts.map((part) => part.objectCount);
  const totalObjects = () => counts.reduce((sum, count) => sum + count, 0);
  const applied = (field: "processedCount" | "objectCount") =>
    parts.reduce((sum, part) => sum + (part.ingested ? part[field] : 0), 0);
  const save = (patch: SyncStatePatch = {}) =>
    deps.state.update(shop, resource, { partitions: JSON.stringify(plan), ...patch });

  /** Range i's stored export, if it can still be read; otherwise it is forgotten (and started again later). */
  const adopt = async (index: number): Promise<BulkOperationFields | null> => {
    const part = parts[index]!;
    if (operations[index] || checked.has(index) || !part.operationId) return operations[index] ?? null;
    checked.add(index);
    const existing = await reusableOperation(deps, part.operationId, queries[index]!);
    if (existing) {
      operations[index] = existing;
      counts[index] = Number(existing.objectCount);
      part.createdAt = existing.createdAt;
      return existing;
    }
    Object.assign(part, { operationId: null, createdAt: null, objectCount: 0, processedCount: 0 });
    counts[index] = 0;
    return null;
  };

  /** Range i's export: its stored one, else a new one. Unless `wait`, a busy Shopify leaves it for later (null). */
  const ensure = async (index: number, wait: boolean): Promise<BulkOperationFields | null> => {
    const existing = await adopt(index);
    if (existing) return existing;
    const started = wait
      ? await startExport(deps, queries[index]!, signal, options)
      : await tryStartExport(deps, queries[index]!);
    if (!started) return null;
    operations[index] = started;
    counts[index] = Number(started.objectCount);
    Object.assign(parts[index]!, { operationId: started.id, createdAt: started.createdAt, objectCount: 0 });
    // Recorded at once, so a restart reuses it instead of starting a duplicate.
    await save();
    return started;
  };

  /** Exports started for ranges [from, from + ahead), in range order; `from` itself waited for if `needed`. */
  const keepAhead = async (from: number, needed: boolean) => {
    for (let index = from; index < Math.min(parts.length, from + ahead); index++) {
      if (!(await ensure(index, needed && index === from))) return;
    }
  };

  const first = parts.findIndex((part) => !part.ingested);
  const firstPending = first < 0 ? parts.length : first;
  let processedCount = applied("processedCount");
  let resumeLine = 0;
  if (previous) {
    // The stored resumeLine is that of the first range not applied, read from its stored export.
    const current = firstPending < parts.length ? await adopt(firstPending) : null;
    if (current && previous.bulkOperationId === current.id && previous.resumeLine > 0) {
      resumeLine = previous.resumeLine;
      processedCount = previous.processedCount;
    }
    await save({ status: "running", lastError: null, limitedToDays, processedCount, resumeLine });
  } else {
    await save(startedState(deps, limitedToDays, null));
  }

  let phase: BackfillProgress["phase"] = "exporting";
  let bulkStatus: string | null = null;
  const report = (patch: Partial<BackfillProgress>) =>
    deps.onProgress?.({
      shop,
      resource,
      phase,
      bulkStatus,
      objectCount: totalObjects(),
      processedCount,
      linesRead: applied("objectCount") + resumeLine,
      ...patch,
    });

  const resumedFromLine = resumeLine;
  let orphanLines = 0;
  for (let index = firstPending; index < parts.length; index++) {
    const part = parts[index]!;
    await keepAhead(index, true);
    const operation = operations[index]!;
    bulkStatus = operation.status;
    await save({ bulkOperationId: operation.id, bulkStatus, objectCount: totalObjects() });
    let completed: BulkOperationFields;
    try {
      // A later range was started a while ago and has likely finished: look at once rather than after a pause.
      completed = await waitForCompletion(
        deps,
        operation,
        signal,
        options,
        async (op) => {
          bulkStatus = op.status;
          counts[index] = Number(op.objectCount);
          await deps.state.update(shop, resource, { bulkStatus, objectCount: totalObjects() });
          report({});
        },
        index > firstPending,
      );
    } catch (error) {
      if (!(error instanceof BackfillError)) throw error;
      throw new BackfillError(
        `Export of orders range ${index + 1} of ${parts.length} (${rangeSearch("", part) || "all"}) failed: ` +
          `${error.message}; a new run resumes after the ranges already applied`,
      );
    }
    counts[index] = Number(completed.objectCount);
    Object.assign(part, { objectCount: counts[index], createdAt: completed.createdAt });
    bulkStatus = completed.status;

    // This range is applied now: the next ranges export meanwhile.
    await keepAhead(index + 1, false);
    const processedBefore = applied("processedCount");
    if (completed.url) {
      const linesBefore = applied("objectCount");
      const result = await ingestFile(run, completed.url, resumeLine, async (nextResumeLine, records, linesRead) => {
        processedCount += records;
        resumeLine = nextResumeLine;
        await deps.state.update(shop, resource, { processedCount, resumeLine });
        phase = "downloading";
        report({ linesRead: linesBefore + linesRead });
      });
      orphanLines += result.orphans;
    }
    Object.assign(part, { ingested: true, processedCount: processedCount - processedBefore });
    resumeLine = 0;
    // One write: the range is applied and the next one starts at line 0.
    await save({ processedCount, resumeLine: 0, objectCount: totalObjects() });
  }

  report({ phase: "metrics" });
  await deps.store.recomputeAllMetrics(shop);
  // Reconciliation picks up what changed after the earliest export began.
  const watermark = Math.min(...parts.map((part) => (part.createdAt ? Date.parse(part.createdAt) : deps.clock.now())));
  await save({
    status: "completed",
    bulkStatus: "COMPLETED",
    objectCount: totalObjects(),
    finishedAt: new Date(deps.clock.now()),
    watermark: new Date(watermark),
    lastError: null,
  });
  report({ phase: "done", bulkStatus: "COMPLETED" });
  return {
    shop,
    resource,
    bulkOperationId: parts.at(-1)!.operationId,
    processedCount,
    objectCount: totalObjects(),
    resumedFromLine,
    limitedToDays,
    orphanLines,
    partitions: parts.length,
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

type ExportRequest = { operation: BulkOperationFields } | { busy: BulkUserError; running: BulkOperationFields | null };

/**
 * Asks Shopify to start an export. When it answers busy (other exports of this app run on the shop; the message
 * names them) and one of them runs this very query (a previous run of ours), that one is used.
 */
async function requestExport(deps: BackfillDeps, query: string): Promise<ExportRequest> {
  const payload = (await deps.graphql(RUN_BULK_QUERY, { query })).bulkOperationRunQuery;
  if (!payload) throw new BackfillError("bulkOperationRunQuery answered null");
  if (payload.bulkOperation && payload.userErrors.length === 0) return { operation: payload.bulkOperation };
  const busy = payload.userErrors.find((error) => error.code && BUSY_CODES.has(error.code));
  if (!busy) {
    throw new BackfillError(`Shopify refused the export: ${payload.userErrors.map((e) => e.message).join("; ")}`);
  }
  let running: BulkOperationFields | null = null;
  for (const id of busy.message.match(/gid:\/\/shopify\/BulkOperation\/\d+/g) ?? []) {
    const operation = (await deps.graphql(BULK_OPERATION, { id })).bulkOperation;
    if (!operation || TERMINAL.has(operation.status)) continue;
    if (operation.query.trim() === query.trim()) return { operation };
    running ??= operation;
  }
  return { busy, running };
}

/** Starts an export, or null when Shopify is busy with others (an export ahead waits for the next chance). */
async function tryStartExport(deps: BackfillDeps, query: string): Promise<BulkOperationFields | null> {
  const answer = await requestExport(deps, query);
  return "operation" in answer ? answer.operation : null;
}

async function startExport(
  deps: BackfillDeps,
  query: string,
  signal: AbortSignal,
  options: BackfillOptions,
): Promise<BulkOperationFields> {
  for (let attempt = 1; ; attempt++) {
    const answer = await requestExport(deps, query);
    if ("operation" in answer) return answer.operation;
    // Another export of this app runs on the shop: wait for it to end and try again.
    if (answer.running) {
      await waitForCompletion(deps, answer.running, signal, options, async () => undefined).catch(() => undefined);
      continue;
    }
    if (attempt >= 20) {
      throw new BackfillError(`Shopify kept answering ${answer.busy.code}: ${answer.busy.message}`);
    }
    await deps.clock.sleep(backoff(deps, attempt, 2000, 60_000), signal);
  }
}

/**
 * Polls `bulkOperation(id:)` with growing intervals; a finish webhook, when wired, cuts a wait short. With
 * `pollFirst` the first poll comes at once (an operation started a while ago).
 */
async function waitForCompletion(
  deps: BackfillDeps,
  operation: BulkOperationFields,
  signal: AbortSignal,
  options: BackfillOptions,
  onPoll: (operation: BulkOperationFields) => Promise<void>,
  pollFirst = false,
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
  let sleepFirst = !pollFirst;
  try {
    while (!TERMINAL.has(current.status)) {
      if (!finished && sleepFirst) {
        const sleeper = new AbortController();
        const stopSleep = () => sleeper.abort();
        signal.addEventListener("abort", stopSleep, { once: true });
        const sleeping = deps.clock.sleep(delay, sleeper.signal).catch(() => undefined);
        await Promise.race([sleeping, finishSignal ?? sleeping]);
        sleeper.abort();
        signal.removeEventListener("abort", stopSleep);
      }
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
      sleepFirst = true;
      const polled = (await deps.graphql(BULK_OPERATION, { id: current.id })).bulkOperation;
      if (!polled) throw new BackfillError(`Bulk operation ${current.id} is gone`);
      current = polled;
      await onPoll(current);
      if (TERMINAL.has(current.status)) break;
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
  if (!completed.url) return new Map();
  return readProductCollections(deps.download(completed.url, signal), options.assemblyWindow ?? 64);
}
