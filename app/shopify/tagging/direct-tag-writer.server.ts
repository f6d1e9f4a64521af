/**
 * The direct tag writer: a batch of changes becomes `tagsAdd` / `tagsRemove` writes, sent several per request as
 * aliases (`t0`, `t1`, …) through the shop's `AdminClient`, which waits before each request until the cost bucket
 * Shopify last reported (`extensions.cost.throttleStatus`: currentlyAvailable, restoreRate) holds the request's
 * expected cost, so a steady stream of writes meets no THROTTLED; THROTTLED, 5xx and network errors that happen
 * anyway are retried by the client with backoff. The number of writes per request follows the cost Shopify reports
 * per write (docs/decisions/0013-tag-writers.md).
 */
import {
  AdminRequestFailedError,
  ShopUnavailableError,
  type RawAnswer,
  type RequestOptions,
  type ThrottleStatus,
} from "../admin-client.server.js";
import type { TagMutationResult } from "../../graphql/tag-writes.js";
import {
  combineOutcomes,
  isCustomerGid,
  type TagChange,
  type TagOutcome,
  type TagWriteOptions,
  type TagWriter,
} from "../../services/tagging/ports.js";
import { buildAliasedTagMutation, writeIndexOfPath, writesPerRequest, type TagWrite } from "./aliased-tag-mutations.js";

/** What the writer needs of `AdminClient` (so tests can count requests). */
export interface RawAdminGraphql {
  executeRaw<TData>(
    document: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<RawAnswer<TData>>;
  readonly throttleStatus: ThrottleStatus | null;
}

export interface DirectTagWriterOptions {
  /** Writes per request at most (default 25); fewer when the reported cost per write does not allow it. */
  maxWritesPerRequest?: number;
  /** Expected points per write before Shopify has reported one (default 10, a mutation's cost). */
  defaultCostPerWrite?: number;
}

interface PendingWrite extends TagWrite {
  changeIndex: number;
}

type WriteOutcome = TagOutcome;

/** A whole-request error that no alias owns (e.g. a malformed variable): each write is then sent on its own. */
function requestLevelErrors(answer: RawAnswer<unknown>): string[] {
  return answer.errors
    .filter((error) => writeIndexOfPath(error.path) === null)
    .map((error) => error.message ?? JSON.stringify(error));
}

export class DirectTagWriter implements TagWriter {
  private readonly maxWrites: number;
  private costPerWrite: number;

  constructor(
    private readonly admin: RawAdminGraphql,
    options: DirectTagWriterOptions = {},
  ) {
    this.maxWrites = options.maxWritesPerRequest ?? 25;
    this.costPerWrite = options.defaultCostPerWrite ?? 10;
  }

  /** Points per write as last reported (requestedQueryCost / writes of the last request). */
  get observedCostPerWrite(): number {
    return this.costPerWrite;
  }

  async write(changes: readonly TagChange[], options: TagWriteOptions = {}): Promise<TagOutcome[]> {
    const parts: WriteOutcome[][] = changes.map(() => []);
    const pending: PendingWrite[] = [];
    changes.forEach((change, changeIndex) => {
      const writes: TagWrite[] = [
        ...(change.add.length
          ? [{ operation: "tagsAdd" as const, customerGid: change.customerGid, tags: change.add }]
          : []),
        ...(change.remove.length
          ? [{ operation: "tagsRemove" as const, customerGid: change.customerGid, tags: change.remove }]
          : []),
      ];
      for (const write of writes) {
        if (!isCustomerGid(write.customerGid)) {
          // Shopify refuses the whole request over one malformed id (INVALID_VARIABLE): keep it out of the batch.
          parts[changeIndex]!.push({
            status: "rejected",
            change,
            operation: write.operation,
            field: ["id"],
            message: `Invalid global id '${write.customerGid}'`,
          });
        } else {
          pending.push({ ...write, changeIndex });
        }
      }
    });

    let next = 0;
    while (next < pending.length) {
      const size = writesPerRequest({
        costPerWrite: this.costPerWrite,
        maximumAvailable: this.admin.throttleStatus?.maximumAvailable ?? null,
        maxWrites: this.maxWrites,
      });
      const batch = pending.slice(next, next + size);
      next += batch.length;
      const outcomes = await this.send(batch, changes, options);
      batch.forEach((write, index) => parts[write.changeIndex]!.push(outcomes[index]!));
    }
    return changes.map((change, index) => combineOutcomes(change, parts[index]!));
  }

  private async send(
    batch: readonly PendingWrite[],
    changes: readonly TagChange[],
    options: TagWriteOptions,
  ): Promise<WriteOutcome[]> {
    const request = buildAliasedTagMutation(batch);
    let answer: RawAnswer<Record<string, TagMutationResult | null>>;
    try {
      answer = await this.admin.executeRaw<Record<string, TagMutationResult | null>>(
        request.document,
        request.variables,
        {
          expectedCost: batch.length * this.costPerWrite,
          signal: options.signal,
        },
      );
    } catch (error) {
      if (error instanceof ShopUnavailableError || options.signal?.aborted) throw error;
      const message =
        error instanceof AdminRequestFailedError ? error.message : `Shopify request failed: ${describe(error)}`;
      return batch.map((write) => ({ status: "failed", change: changes[write.changeIndex]!, message }));
    }
    if (answer.cost?.requestedQueryCost) this.costPerWrite = Math.max(1, answer.cost.requestedQueryCost / batch.length);

    const general = requestLevelErrors(answer);
    if (general.length > 0 && (answer.data === null || batch.length > 1)) {
      if (batch.length > 1) {
        // Find the write Shopify objects to: each on its own (rare: ids are checked before sending).
        const alone: WriteOutcome[] = [];
        for (const write of batch) alone.push(...(await this.send([write], changes, options)));
        return alone;
      }
      const write = batch[0]!;
      const transient = answer.errors.some((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR");
      if (transient) return [{ status: "failed", change: changes[write.changeIndex]!, message: general.join("; ") }];
      return [
        {
          status: "rejected",
          change: changes[write.changeIndex]!,
          operation: write.operation,
          field: null,
          message: general.join("; "),
        },
      ];
    }

    return batch.map((write, index): WriteOutcome => {
      const change = changes[write.changeIndex]!;
      const alias = request.aliases[index]!;
      const aliasErrors = answer.errors.filter((error) => writeIndexOfPath(error.path) === index);
      if (aliasErrors.length > 0) {
        // e.g. RESOURCE_NOT_FOUND for an id of another type: Shopify's refusal of this write alone.
        return {
          status: "rejected",
          change,
          operation: write.operation,
          field: ["id"],
          message: aliasErrors.map((error) => error.message ?? "error").join("; "),
        };
      }
      const result = answer.data?.[alias];
      if (!result) {
        return { status: "failed", change, message: `Shopify answered no result for ${write.operation}` };
      }
      if (result.userErrors.length > 0) {
        return {
          status: "rejected",
          change,
          operation: write.operation,
          field: result.userErrors[0]!.field,
          message: result.userErrors.map((error) => error.message).join("; "),
        };
      }
      return { status: "applied", change };
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
