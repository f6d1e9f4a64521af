import type { ConfirmedTag, ConfirmedTagOrigin } from "../../domain/tagging/customer-tag-plan.js";

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

// ---- Tag state, outbox and audit (docs/decisions/0014-tag-state.md) ----

/** Whether a segment writes its tag: off (dry runs only; Cohort's tags removed), on, paused (left as they are). */
export type TaggingState = "off" | "on" | "paused";

export interface SegmentTaggingRecord {
  segmentId: string;
  tag: string;
  state: TaggingState;
  repair: boolean;
  updatedAt: string;
}

/** Why a customer's tags are due to change: the cause of the membership change, or a tagging setting. */
export type TagCause = "webhook" | "schedule" | "edit" | "backfill" | "manual" | "setting" | "repair";

export interface TagCauseOfChange {
  cause: TagCause;
  causeRef: string | null;
}

/** One customer of the tag outbox, as taken for a push. */
export interface PendingTagWork {
  customerId: string;
  /** The mark read: clearing succeeds only if no newer mark came in meanwhile. */
  generation: number;
  cause: TagCause;
  causeRef: string | null;
  attempts: number;
}

export interface DesiredTag {
  tag: string;
  segmentId: string;
  /** The segment's rule text when the decision is made, for the audit. */
  ruleText: string;
}

/** Everything the plan for one customer needs, read in one go for a batch. */
export interface CustomerTagInputs {
  desired: DesiredTag[];
  /** Tags of the shop's paused segments. */
  paused: string[];
  /** Tags of segments with repair off. */
  noRepair: string[];
  confirmed: (ConfirmedTag & { repairs: number })[];
  /** The customer's tags as last synced from Shopify; null when Cohort has not seen the customer. */
  shopifyTags: string[] | null;
  /** When that snapshot was taken (ISO), or null. */
  shopifyTagsAt: string | null;
  /** False when the customer is gone from Shopify (deleted): nothing is written, records are dropped. */
  exists: boolean;
}

/** The result of a push for one customer, recorded in one transaction with its audit rows. */
export interface CustomerTagRecord {
  customerId: string;
  generation: number;
  /** Confirmed rows to write (insert or replace) and to drop. */
  confirm: { tag: string; origin: ConfirmedTagOrigin; repairs: number }[];
  drop: string[];
  audit: TagAuditEntry[];
  /** Retry the customer later (a transient failure): the mark stays, attempts grow. */
  retryAt: Date | null;
}

export type TagAction = "add" | "remove" | "adopt" | "release" | "refuse" | "repair" | "forget";
export type TagResult = "applied" | "rejected" | "failed" | "recorded";

export interface TagAuditEntry {
  customerId: string;
  segmentId: string | null;
  tag: string;
  action: TagAction;
  ruleText: string | null;
  cause: TagCause;
  causeRef: string | null;
  result: TagResult;
  message: string | null;
}

export interface TagAuditRow extends TagAuditEntry {
  at: string;
}

/** Cohort's tag state in its database: settings, confirmed tags, the outbox and the audit. Scoped by shop. */
export interface TagStateStore {
  taggings(shop: string): Promise<SegmentTaggingRecord[]>;
  /** Null when another segment of the shop has the same tag key (nothing written then). */
  saveTagging(
    shop: string,
    tagging: { segmentId: string; tag: string; tagKey: string; state: TaggingState; repair: boolean },
    now: Date,
  ): Promise<SegmentTaggingRecord | null>;
  /** Marks the members of a segment, and every customer carrying one of `tags` as confirmed, as pending. */
  markSegment(shop: string, segmentId: string, tags: string[], why: TagCauseOfChange, now: Date): Promise<number>;
  markCustomers(shop: string, customerIds: string[], why: TagCauseOfChange, now: Date): Promise<number>;
  /** Of `customerIds`, marks those holding a confirmed Cohort tag (their snapshot changed: a removal to repair?). */
  markTagHolders(shop: string, customerIds: string[], why: TagCauseOfChange, now: Date): Promise<number>;
  /** Pending customers due now, oldest mark first. */
  takePending(shop: string, now: Date, limit: number): Promise<PendingTagWork[]>;
  /**
   * The plan inputs of a batch of customers. `assume` evaluates one segment's tagging as if set so (a dry run
   * before tagging is switched on), without writing it.
   */
  inputsFor(
    shop: string,
    customerIds: string[],
    assume?: { segmentId: string; tag: string; state: TaggingState },
  ): Promise<Map<string, CustomerTagInputs>>;
  /** Members of a segment and customers holding one of `tags` as confirmed, in id order after `afterId`. */
  customersOf(
    shop: string,
    segmentId: string,
    tags: string[],
    afterId: string | null,
    limit: number,
  ): Promise<string[]>;
  /**
   * Before `tagsAdd` is sent: records each tag not yet recorded for its customer as `sending`, so a crash after
   * Shopify applied it does not leave the tag looking like the merchant's. Existing records are left as they are.
   */
  recordSending(shop: string, tags: { customerId: string; tag: string }[], now: Date): Promise<void>;
  /** Applies each customer's record; clears its mark when the generation still matches and no retry is asked. */
  record(shop: string, records: CustomerTagRecord[], now: Date): Promise<void>;
  auditFor(shop: string, filter: { customerId?: string; segmentId?: string; limit: number }): Promise<TagAuditRow[]>;
  pendingCount(shop: string): Promise<number>;
  /** Deletes audit rows older than `before`, in bounded chunks, across shops; returns how many. */
  purgeAudit(before: Date): Promise<number>;
}

/** One customer's tag writes for Shopify (Shopify's gid is made by the writer). */
export interface TagWrite {
  customerId: string;
  add: string[];
  remove: string[];
}

/** Shopify's answer to one mutation (a tagsAdd or a tagsRemove of one customer). */
export type TagWriteStatus =
  | { status: "applied" }
  | { status: "rejected"; message: string; customerGone: boolean }
  | { status: "failed"; message: string };

/** Shopify's answers for one customer's writes: null where there was nothing to write. */
export interface TagWriteOutcome {
  customerId: string;
  add: TagWriteStatus | null;
  remove: TagWriteStatus | null;
}

/** Writes tags to Shopify with tagsAdd/tagsRemove only, directly or in bulk: the adapter chooses by size. */
export interface TagPushWriter {
  write(shop: string, writes: TagWrite[]): Promise<TagWriteOutcome[]>;
  /** From how many customers in one write the bulk path is taken; absent or null when this writer has none. */
  bulkThreshold?(shop: string): Promise<number | null>;
}
