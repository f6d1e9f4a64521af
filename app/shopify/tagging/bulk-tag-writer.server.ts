/**
 * The bulk tag writer: the adds of a change set become one JSONL of `tagsAdd` variables (`{"id", "tags"}` per
 * line), the removes another for `tagsRemove`; each file goes `stagedUploadsCreate` (BULK_MUTATION_VARIABLES) →
 * multipart upload → `bulkOperationRunMutation` → polls `bulkOperation(id)` (woken early by
 * `bulk_operations/finish` through `notifyFinished`) → downloads the result file and maps each line's
 * `__lineNumber` back to its change. Files stay under Shopify's 100 MB limit (a bigger set is split). Only one
 * operation runs at a time, so a second file never competes with the first for the shop's concurrency limit.
 */
import {
  BULK_TAGS_ADD_MUTATION,
  BULK_TAGS_REMOVE_MUTATION,
  RUN_BULK_MUTATION,
  STAGED_UPLOADS_CREATE,
  type StagedUploadTarget,
  type TagMutationResult,
} from "../../graphql/tag-writes.js";
import { BULK_OPERATION, type BulkOperationFields } from "../../graphql/bulk-operations.js";
import type { GraphqlOperation } from "../../graphql/operation.js";
import { jsonLines } from "../../services/sync/bulk-jsonl.js";
import {
  BulkTagBusyError,
  combineOutcomes,
  isCustomerGid,
  type BulkTagWriter as BulkTagWriterPort,
  type TagChange,
  type TagOperation,
  type TagOutcome,
  type TagWriteOptions,
} from "../../services/tagging/ports.js";
import { systemClock, type Clock } from "../admin-client.server.js";
import { uploadStagedFile } from "./staged-upload.server.js";

export type TypedGraphql = <TData, TVariables extends Record<string, unknown>>(
  document: GraphqlOperation<TData, TVariables>,
  variables: TVariables,
) => Promise<TData>;

export interface BulkTagWriterDeps {
  graphql: TypedGraphql;
  /** Uploads `content` to the target and answers the staged path (default: multipart POST, file last). */
  upload?: (target: StagedUploadTarget, filename: string, content: string, signal?: AbortSignal) => Promise<string>;
  /** Streams a result file (a signed URL, no token): app/shopify/bulk-download.server.ts. */
  download: (url: string, signal?: AbortSignal) => AsyncIterable<Uint8Array>;
  clock?: Clock;
}

export interface BulkTagWriterOptions {
  firstPollMs?: number;
  maxPollMs?: number;
  /** Give up waiting after this long (Shopify fails mutation operations after 24 hours); lines unanswered fail. */
  timeoutMs?: number;
  /** Bytes per JSONL file at most (default: Shopify's 100 MB). */
  maxFileBytes?: number;
}

export const MAX_BULK_MUTATION_FILE_BYTES = 104_857_600;

const TERMINAL = new Set(["COMPLETED", "FAILED", "CANCELED", "EXPIRED"]);

interface Line {
  changeIndex: number;
  text: string;
}

interface ResultLine {
  __lineNumber?: unknown;
  data?: Record<string, TagMutationResult | null> | null;
  errors?: Array<{ message?: string }>;
}

export class BulkTagWriter implements BulkTagWriterPort {
  private readonly clock: Clock;
  private readonly wakers = new Map<string, () => void>();
  private readonly options: Required<BulkTagWriterOptions>;

  constructor(
    private readonly deps: BulkTagWriterDeps,
    options: BulkTagWriterOptions = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.options = {
      firstPollMs: options.firstPollMs ?? 1000,
      maxPollMs: options.maxPollMs ?? 15_000,
      timeoutMs: options.timeoutMs ?? 24 * 3_600_000,
      maxFileBytes: options.maxFileBytes ?? MAX_BULK_MUTATION_FILE_BYTES,
    };
  }

  notifyFinished(operationGid: string): void {
    this.wakers.get(operationGid)?.();
  }

  async write(changes: readonly TagChange[], options: TagWriteOptions = {}): Promise<TagOutcome[]> {
    const parts: TagOutcome[][] = changes.map(() => []);
    let started = false;
    for (const operation of ["tagsAdd", "tagsRemove"] as const) {
      const lines: Line[] = [];
      changes.forEach((change, changeIndex) => {
        const tags = operation === "tagsAdd" ? change.add : change.remove;
        if (tags.length === 0) return;
        if (!isCustomerGid(change.customerGid)) {
          parts[changeIndex]!.push({
            status: "rejected",
            change,
            operation,
            field: ["id"],
            message: `Invalid global id '${change.customerGid}'`,
          });
          return;
        }
        lines.push({ changeIndex, text: JSON.stringify({ id: change.customerGid, tags: [...tags] }) });
      });
      for (const file of this.files(lines)) {
        let outcomes: TagOutcome[];
        try {
          outcomes = await this.runFile(operation, file, changes, options.signal);
          started = true;
        } catch (error) {
          // Nothing ran yet: the caller pushes the whole set later (BulkTagBusyError: later or directly). Once a
          // file ran, its outcomes stand and this file's lines are reported failed (safe to push again).
          if (!started || options.signal?.aborted) throw error;
          const message = error instanceof Error ? error.message : String(error);
          outcomes = file.map((line) => ({ status: "failed", change: changes[line.changeIndex]!, message }));
        }
        file.forEach((line, index) => parts[line.changeIndex]!.push(outcomes[index]!));
      }
    }
    return changes.map((change, index) => combineOutcomes(change, parts[index]!));
  }

  /** Lines grouped into files of at most `maxFileBytes`. */
  private files(lines: readonly Line[]): Line[][] {
    const files: Line[][] = [];
    let current: Line[] = [];
    let bytes = 0;
    for (const line of lines) {
      const size = Buffer.byteLength(line.text) + 1;
      if (current.length > 0 && bytes + size > this.options.maxFileBytes) {
        files.push(current);
        current = [];
        bytes = 0;
      }
      current.push(line);
      bytes += size;
    }
    if (current.length) files.push(current);
    return files;
  }

  private async runFile(
    operation: TagOperation,
    file: readonly Line[],
    changes: readonly TagChange[],
    signal: AbortSignal | undefined,
  ): Promise<TagOutcome[]> {
    const filename = `cohort-${operation}-${this.clock.now()}.jsonl`;
    const staged = await this.deps.graphql(STAGED_UPLOADS_CREATE, {
      input: [{ resource: "BULK_MUTATION_VARIABLES", filename, mimeType: "text/jsonl", httpMethod: "POST" }],
    });
    const target = staged.stagedUploadsCreate?.stagedTargets?.[0];
    if (!target) {
      throw new Error(`stagedUploadsCreate refused: ${JSON.stringify(staged.stagedUploadsCreate?.userErrors ?? null)}`);
    }
    const content = file.map((line) => line.text).join("\n") + "\n";
    const upload =
      this.deps.upload ??
      ((t: StagedUploadTarget, name: string, body: string, s?: AbortSignal) =>
        uploadStagedFile(t, name, body, { clock: this.clock, signal: s }));
    const path = await upload(target, filename, content, signal);

    const mutation = operation === "tagsAdd" ? BULK_TAGS_ADD_MUTATION : BULK_TAGS_REMOVE_MUTATION;
    const run = await this.deps.graphql(RUN_BULK_MUTATION, { mutation, stagedUploadPath: path });
    const payload = run.bulkOperationRunMutation;
    const busy = payload?.userErrors.find(
      (error) => error.code === "OPERATION_IN_PROGRESS" || error.code === "LIMIT_REACHED",
    );
    if (busy) throw new BulkTagBusyError(busy.code as "OPERATION_IN_PROGRESS" | "LIMIT_REACHED", busy.message);
    if (!payload?.bulkOperation) {
      throw new Error(`bulkOperationRunMutation refused: ${JSON.stringify(payload?.userErrors ?? null)}`);
    }

    const finished = await this.poll(payload.bulkOperation, signal);
    const answered = new Map<number, TagOutcome>();
    const resultUrl = finished.url ?? finished.partialDataUrl;
    if (resultUrl) {
      for await (const { value } of jsonLines(this.deps.download(resultUrl, signal))) {
        const line = value as ResultLine;
        const lineNumber = typeof line.__lineNumber === "number" ? line.__lineNumber : -1;
        const source = file[lineNumber];
        if (!source) continue;
        answered.set(lineNumber, outcomeOfLine(operation, changes[source.changeIndex]!, line));
      }
    }
    const why =
      finished.status === "COMPLETED"
        ? `Shopify's bulk ${operation} answered no result for this line`
        : `The bulk ${operation} operation ${finished.id} ended ${finished.status}${finished.errorCode ? ` (${finished.errorCode})` : ""}`;
    return file.map(
      (line, index) => answered.get(index) ?? { status: "failed", change: changes[line.changeIndex]!, message: why },
    );
  }

  /** Polls with doubling delays until the operation is terminal or the timeout passes (then the last state). */
  private async poll(operation: BulkOperationFields, signal: AbortSignal | undefined): Promise<BulkOperationFields> {
    const deadline = this.clock.now() + this.options.timeoutMs;
    let current = operation;
    let delay = this.options.firstPollMs;
    while (!TERMINAL.has(current.status)) {
      if (this.clock.now() >= deadline) return { ...current, status: "EXPIRED" as const, url: null };
      await this.wait(current.id, Math.min(delay, Math.max(0, deadline - this.clock.now())), signal);
      delay = Math.min(this.options.maxPollMs, delay * 2);
      const read = await this.deps.graphql(BULK_OPERATION, { id: current.id });
      if (!read.bulkOperation) throw new Error(`Bulk operation ${current.id} is gone`);
      current = read.bulkOperation;
    }
    return current;
  }

  private async wait(operationGid: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    const woken = new AbortController();
    const onAbort = () => woken.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.wakers.set(operationGid, () => woken.abort("finished"));
    try {
      await this.clock.sleep(ms, woken.signal);
    } catch (error) {
      if (signal?.aborted) throw error;
    } finally {
      this.wakers.delete(operationGid);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

function outcomeOfLine(operation: TagOperation, change: TagChange, line: ResultLine): TagOutcome {
  if (line.errors?.length) {
    return {
      status: "rejected",
      change,
      operation,
      field: null,
      message: line.errors.map((error) => error.message ?? "error").join("; "),
    };
  }
  const result = line.data?.[operation];
  if (!result) return { status: "failed", change, message: `Shopify's bulk ${operation} answered no result` };
  if (result.userErrors.length) {
    return {
      status: "rejected",
      change,
      operation,
      field: result.userErrors[0]!.field,
      message: result.userErrors.map((error) => error.message).join("; "),
    };
  }
  return { status: "applied", change };
}
