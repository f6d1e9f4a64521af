/**
 * Bulk operations as Shopify keeps them: one record per operation, per shop and app, held in memory beside the
 * store (an operation is a job of the running emulator, not shop data that a seed or a restart should carry).
 */
import { GraphQLError } from "graphql";
import type { EmulatorContext } from "../context.js";
import type { EmulatorStore } from "../store/store.js";
import { toGid } from "../store/types.js";
import { dateTime } from "../graphql/resolvers/format.js";

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";
export type BulkOperationType = "QUERY" | "MUTATION";
export type BulkOperationErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

export const TERMINAL_STATUSES: ReadonlySet<BulkOperationStatus> = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELED",
  "EXPIRED",
]);

export interface BulkOperationRecord {
  id: number;
  shopId: number;
  clientId: string;
  type: BulkOperationType;
  status: BulkOperationStatus;
  errorCode: BulkOperationErrorCode | null;
  query: string;
  groupObjects: boolean;
  /**
   * ISO with milliseconds, or microseconds for an imported operation (the list cursor carries sub-second time, as
   * Shopify's does; the API itself shows whole seconds).
   */
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Download token of the result file (`/_bulk/<token>.jsonl`), once completed with at least one line. */
  resultToken: string | null;
  partialToken: string | null;
  /** Set by `bulkOperationCancel`; the running job stops at its next batch. */
  cancelRequested: boolean;
  /**
   * Result links of an operation that ran elsewhere (imported as a record, e.g. from a real Shopify capture): its
   * files are not here, so its signed URLs are answered as they were. Operations run here leave it unset.
   */
  importedUrls?: { url: string | null; partialDataUrl: string | null };
}

const registries = new WeakMap<EmulatorStore, Map<number, BulkOperationRecord>>();

/** Every operation the emulator knows, by numeric id. */
export function operationsOf(ctx: EmulatorContext): Map<number, BulkOperationRecord> {
  let registry = registries.get(ctx.store);
  if (!registry) {
    registry = new Map();
    registries.set(ctx.store, registry);
  }
  return registry;
}

export function findOperation(
  ctx: EmulatorContext,
  shopId: number,
  clientId: string,
  id: number,
): BulkOperationRecord | null {
  const operation = operationsOf(ctx).get(id);
  return operation && operation.shopId === shopId && operation.clientId === clientId ? operation : null;
}

export function listOperations(ctx: EmulatorContext, shopId: number, clientId: string): BulkOperationRecord[] {
  return [...operationsOf(ctx).values()].filter(
    (operation) => operation.shopId === shopId && operation.clientId === clientId,
  );
}

/** Adds an operation that ran elsewhere (no job runs for it; it keeps the status it has until canceled). */
export function importOperation(ctx: EmulatorContext, operation: BulkOperationRecord): void {
  operationsOf(ctx).set(operation.id, operation);
}

export function downloadUrl(ctx: EmulatorContext, token: string | null): string | null {
  return token ? `${ctx.origin()}/_bulk/${token}.jsonl` : null;
}

/** The GraphQL `BulkOperation` object (UnsignedInt64 counters are strings, as Shopify answers). */
export function bulkOperationNode(ctx: EmulatorContext, operation: BulkOperationRecord) {
  return {
    __typename: "BulkOperation",
    id: toGid("BulkOperation", operation.id),
    status: operation.status,
    type: operation.type,
    errorCode: operation.errorCode,
    createdAt: dateTime(operation.createdAt),
    completedAt: dateTime(operation.completedAt),
    objectCount: String(operation.objectCount),
    rootObjectCount: String(operation.rootObjectCount),
    fileSize: operation.fileSize === null ? null : String(operation.fileSize),
    url: operation.importedUrls ? operation.importedUrls.url : downloadUrl(ctx, operation.resultToken),
    partialDataUrl: operation.importedUrls
      ? operation.importedUrls.partialDataUrl
      : downloadUrl(ctx, operation.partialToken),
    query: operation.query,
  };
}

export function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}
