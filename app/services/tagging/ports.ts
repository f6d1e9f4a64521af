/**
 * What the tagging services need from Shopify: apply tag changes to customers and hear, per change, what Shopify
 * answered. Cohort writes tags only with `tagsAdd` / `tagsRemove` (never `customerUpdate`, which replaces the whole
 * list). Two adapters implement `TagWriter` (app/shopify/tagging/): the direct writer (aliased mutations, paced to
 * the cost bucket) for small change sets, the bulk writer (staged JSONL + `bulkOperationRunMutation`) for large
 * ones; docs/decisions/0013-tag-writers.md says when each is used.
 */

/** One customer's tag change: the tags to add and to remove (either may be empty). */
export interface TagChange {
  /** `gid://shopify/Customer/<id>`. */
  customerGid: string;
  add: readonly string[];
  remove: readonly string[];
}

/** Which mutation a part of a change went through. */
export type TagOperation = "tagsAdd" | "tagsRemove";

/**
 * What Shopify answered for one change, in the order the changes were given:
 * - `applied`: every named tag is (now) added / removed; repeating the change changes nothing;
 * - `rejected`: Shopify refused it (user errors: a tag too long, the customer at the tag limit, the customer not
 *   found…); retrying the same change will be refused again, so it is reported, not retried;
 * - `failed`: a transient fault outlasted the retries (THROTTLED, 5xx, network, a bulk operation that failed or
 *   timed out); tag mutations are idempotent, so the whole change may be sent again.
 * When a change has both adds and removes and the parts end differently, `failed` wins over `rejected` (a retry
 * is safe and will report the refusal again), and `rejected` over `applied`.
 */
export type TagOutcome =
  | { status: "applied"; change: TagChange }
  | { status: "rejected"; change: TagChange; operation: TagOperation; message: string; field: string[] | null }
  | { status: "failed"; change: TagChange; message: string };

export interface TagWriteOptions {
  signal?: AbortSignal;
}

/** Applies changes to one shop's customers. One outcome per change, same order; throws only when nothing ran. */
export interface TagWriter {
  write(changes: readonly TagChange[], options?: TagWriteOptions): Promise<TagOutcome[]>;
}

/**
 * Shopify will not start another bulk mutation for this app and shop now (`OPERATION_IN_PROGRESS`: the concurrent
 * limit is reached; `LIMIT_REACHED`: the shop's bulk operations limit). Nothing of the batch ran: push it later or
 * through the direct writer.
 */
export class BulkTagBusyError extends Error {
  constructor(
    readonly code: "OPERATION_IN_PROGRESS" | "LIMIT_REACHED",
    message: string,
  ) {
    super(message);
    this.name = "BulkTagBusyError";
  }
}

/** The bulk writer also takes `bulk_operations/finish`, so it need not wait for its next poll. */
export interface BulkTagWriter extends TagWriter {
  /** Wakes the poll of this operation (a `bulk_operations/finish` webhook arrived for it). */
  notifyFinished(operationGid: string): void;
}

/** `gid://shopify/Customer/<digits>`: anything else Shopify refuses before running the batch. */
export function isCustomerGid(value: string): boolean {
  return /^gid:\/\/shopify\/Customer\/\d+$/.test(value);
}

/** Combines the outcomes of a change's parts: failed > rejected > applied. */
export function combineOutcomes(change: TagChange, parts: readonly TagOutcome[]): TagOutcome {
  return (
    parts.find((part) => part.status === "failed") ??
    parts.find((part) => part.status === "rejected") ?? { status: "applied", change }
  );
}
