/**
 * Root fields for bulk operations: `bulkOperation`, `bulkOperations`, `currentBulkOperation`,
 * `bulkOperationRunQuery`, `bulkOperationCancel`. Shapes and messages follow the captures in
 * ../shared/shopify-captures (bulk-operations).
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { FieldResolver, ResolverContext } from "../graphql/schema.js";
import { getAdminSchema } from "../graphql/schema.js";
import {
  encodeCursor,
  databaseTimestamp,
  decodeCursor,
  pageWindow,
  type ConnectionArgs,
} from "../graphql/resolvers/connection.js";
import { searchWarnings } from "../graphql/resolvers/objects.js";
import { parseSearchQuery, parseSearchTime, type SearchNode, type SearchWarning } from "../graphql/search-query.js";
import { parseGid } from "../store/types.js";
import {
  badRequest,
  bulkOperationNode,
  findOperation,
  listOperations,
  operationsOf,
  TERMINAL_STATUSES,
  type BulkOperationRecord,
} from "./operations.js";
import { bulkOperationStartDelayMs, runQueryOperation } from "./runner.js";
import { compileBulkQuery, type BulkUserError } from "./validate.js";
import { clientIdentifierErrors, compileBulkMutation, type BulkMutationUserError } from "./mutation-validate.js";
import { isJsonlOfObjects, runMutationOperation } from "./mutation-runner.js";
import { MAX_STAGED_UPLOAD_BYTES, stagedFile, stagedTarget, stagedUploadResolvers } from "./staged-uploads.js";

/** From API 2026-01 Shopify runs up to five query operations per shop and app at once. */
export const MAX_CONCURRENT_QUERY_OPERATIONS = 5;

/**
 * The concurrency limit of the request's API version: one query operation before 2026-01 (captured on 2025-01:
 * the second run is OPERATION_IN_PROGRESS naming the first), five from 2026-01 (captured on 2026-04).
 */
export function maxConcurrentQueryOperations(apiVersion: string | undefined): number {
  return apiVersion && /^\d{4}-\d{2}$/.test(apiVersion) && apiVersion < "2026-01" ? 1 : MAX_CONCURRENT_QUERY_OPERATIONS;
}

function requireGid(id: unknown): { type: string; id: number } {
  const text = typeof id === "string" ? id : String(id);
  const gid = parseGid(text);
  if (!gid) throw new GraphQLError(`Invalid global id '${text}'`, { extensions: { code: "INVALID_ID" } });
  return gid;
}

function node(ctx: ResolverContext, operation: BulkOperationRecord) {
  return bulkOperationNode(ctx.emulator, operation);
}

// ---- bulkOperations(query:) ---------------------------------------------------------------------------------

const ACCEPTED_STATUSES = ["canceled", "canceling", "completed", "created", "failed", "running"];
const ACCEPTED_TYPES = ["query", "mutation"];

type Predicate = (operation: BulkOperationRecord) => boolean;

function compileFilter(query: string, now: Date, warnings: SearchWarning[]): Predicate | null {
  const timeFilter = (field: "created_at" | "completed_at", comparator: string, value: string): Predicate => {
    const period = parseSearchTime(value, now);
    if (!period) throw badRequest(`Invalid timestamp for query filter \`${field}\`.`);
    return (operation) => {
      const at = field === "created_at" ? operation.createdAt : operation.completedAt;
      if (at === null) return false;
      const iso = new Date(at).toISOString();
      switch (comparator) {
        case ">":
          return iso >= period.end;
        case ">=":
          return iso >= period.start;
        case "<":
          return iso < period.start;
        case "<=":
          return iso < period.end;
        default:
          return iso >= period.start && iso < period.end;
      }
    };
  };
  const visit = (tree: SearchNode): Predicate | null => {
    switch (tree.kind) {
      case "and":
      case "or": {
        const parts = tree.children.map(visit).filter((part): part is Predicate => part !== null);
        if (!parts.length) return null;
        return tree.kind === "and"
          ? (operation) => parts.every((part) => part(operation))
          : (operation) => parts.some((part) => part(operation));
      }
      case "not": {
        const inner = visit(tree.child);
        return inner ? (operation) => !inner(operation) : null;
      }
      case "term": {
        const field = tree.field ?? "default";
        const value = tree.value.toLowerCase();
        if (field === "status" || field === "operation_type") {
          const accepted = field === "status" ? ACCEPTED_STATUSES : ACCEPTED_TYPES;
          if (!accepted.includes(value)) {
            warnings.push({
              field,
              message: `Input \`${tree.value}\` is not an accepted value.`,
              code: "invalid_value",
            });
            return () => false;
          }
          return field === "status"
            ? (operation) => operation.status.toLowerCase() === value
            : (operation) => operation.type.toLowerCase() === value;
        }
        if (field === "created_at" || field === "completed_at") return timeFilter(field, tree.comparator, tree.value);
        if (field === "id") {
          const id = Number(/(\d+)$/.exec(tree.value)?.[1] ?? NaN);
          return (operation) => operation.id === id;
        }
        warnings.push({ field, message: "Invalid search field for this query.", code: "invalid_field" });
        return null;
      }
    }
  };
  let tree: SearchNode | null;
  try {
    tree = parseSearchQuery(query);
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
  return tree ? visit(tree) : null;
}

function responsePath(info: GraphQLResolveInfo | undefined): (string | number)[] {
  const path: (string | number)[] = [];
  for (let entry = info?.path; entry; entry = entry.prev) path.unshift(entry.key);
  return path;
}

function sortValue(operation: BulkOperationRecord, sortKey: string): number | null {
  const at = sortKey === "COMPLETED_AT" ? operation.completedAt : operation.createdAt;
  return at === null ? null : new Date(at).getTime();
}

/** The database timestamp of an ISO time, keeping the microseconds an imported operation carries. */
function cursorTimestamp(iso: string): string {
  const micros = /\.(\d{4,6})Z$/.exec(iso)?.[1];
  const base = databaseTimestamp(new Date(iso).getTime());
  return micros ? `${base.slice(0, 20)}${micros.padEnd(6, "0")}` : base;
}

/** Newest first unless `reverse` (captured: Shopify's bulkOperations order is inverted); null completions lowest. */
function compareOperations(sortKey: string, descending: boolean) {
  return (a: BulkOperationRecord, b: BulkOperationRecord): number => {
    const [x, y] = [sortValue(a, sortKey), sortValue(b, sortKey)];
    let order: number;
    if (x === y) order = a.id - b.id;
    else if (x === null) order = -1;
    else if (y === null) order = 1;
    else order = x - y || a.id - b.id;
    return descending ? -order : order;
  };
}

function bulkOperationsConnection(args: Record<string, unknown>, ctx: ResolverContext, info: GraphQLResolveInfo) {
  const { size, backward } = pageWindow(args as ConnectionArgs);
  const sortKey = typeof args.sortKey === "string" ? args.sortKey : "CREATED_AT";
  let operations = listOperations(ctx.emulator, ctx.shop.id, ctx.clientId);
  if (typeof args.query === "string" && args.query.trim() !== "") {
    const warnings: SearchWarning[] = [];
    const predicate = compileFilter(args.query, ctx.emulator.store.now(), warnings);
    if (warnings.length) {
      const list = searchWarnings.get(ctx) ?? [];
      list.push({ path: responsePath(info), query: args.query, warnings });
      searchWarnings.set(ctx, list);
    }
    if (predicate) operations = operations.filter(predicate);
  }
  operations.sort(compareOperations(sortKey, args.reverse !== true));
  const cursorOf = (operation: BulkOperationRecord): string => {
    const at = sortKey === "COMPLETED_AT" ? operation.completedAt : operation.createdAt;
    // Captured: a null completion has no `last_value` at all, `{"last_id":7749063934258}`.
    if (at === null) return Buffer.from(JSON.stringify({ last_id: operation.id })).toString("base64");
    return encodeCursor(operation.id, cursorTimestamp(at));
  };
  const indexOf = (cursor: string): number => {
    const { id } = decodeCursor(cursor);
    return operations.findIndex((operation) => operation.id === id);
  };
  let start = 0;
  let end = operations.length;
  if (typeof args.after === "string") start = indexOf(args.after) + 1;
  if (typeof args.before === "string") {
    const index = indexOf(args.before);
    if (index >= 0) end = index;
  }
  const window = operations.slice(start, Math.max(start, end));
  const page = backward ? window.slice(Math.max(0, window.length - size)) : window.slice(0, size);
  const pageStart = start + (backward ? Math.max(0, window.length - size) : 0);
  const edges = page.map((operation) => ({
    __typename: "BulkOperationEdge",
    cursor: cursorOf(operation),
    node: node(ctx, operation),
  }));
  return {
    __typename: "BulkOperationConnection",
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: pageStart + page.length < operations.length,
      hasPreviousPage: pageStart > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// ---- roots ------------------------------------------------------------------------------------------------------

export function bulkQueryResolvers(): Record<string, FieldResolver> {
  return {
    bulkOperation: (args, ctx) => {
      const gid = requireGid(args.id);
      if (gid.type !== "BulkOperation") {
        throw new GraphQLError(`Invalid id: ${String(args.id)}`, { extensions: { code: "RESOURCE_NOT_FOUND" } });
      }
      const operation = findOperation(ctx.emulator, ctx.shop.id, ctx.clientId, gid.id);
      return operation ? node(ctx, operation) : null;
    },
    bulkOperations: (args, ctx, info) => bulkOperationsConnection(args, ctx, info),
    currentBulkOperation: (args, ctx) => {
      const type = typeof args.type === "string" ? args.type : "QUERY";
      const latest = listOperations(ctx.emulator, ctx.shop.id, ctx.clientId)
        .filter((operation) => operation.type === type)
        .sort(compareOperations("CREATED_AT", true))[0];
      return latest ? node(ctx, latest) : null;
    },
  };
}

function runQueryPayload(bulkOperation: unknown, userErrors: BulkUserError[]) {
  return { __typename: "BulkOperationRunQueryPayload", bulkOperation, userErrors };
}

function runMutationPayload(bulkOperation: unknown, userErrors: BulkMutationUserError[]) {
  return {
    __typename: "BulkOperationRunMutationPayload",
    bulkOperation,
    userErrors: userErrors.map((error) => ({ __typename: "BulkMutationUserError", ...error })),
  };
}

function newOperation(ctx: ResolverContext, type: BulkOperationRecord["type"], query: string): BulkOperationRecord {
  const store = ctx.emulator.store;
  return {
    id: store.nextId(),
    shopId: ctx.shop.id,
    clientId: ctx.clientId,
    type,
    status: "CREATED",
    errorCode: null,
    query,
    groupObjects: false,
    createdAt: store.nowIso(),
    completedAt: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    resultToken: null,
    partialToken: null,
    cancelRequested: false,
  };
}

/**
 * `bulkOperationRunMutation`, checked in the order the captures show: the mutation (size, syntax, type, one
 * allowed root, connections), `clientIdentifier`, the staged file (exists, not empty, ≤ 100 MB, JSONL), then the
 * concurrency limit (a missing file is NO_SUCH_FILE even with five operations running).
 */
async function runMutation(args: Record<string, unknown>, ctx: ResolverContext) {
  const mutation = typeof args.mutation === "string" ? args.mutation : "";
  const compiled = compileBulkMutation(getAdminSchema(), mutation);
  if (!compiled.ok) return runMutationPayload(null, compiled.errors);
  const identifierErrors = clientIdentifierErrors(args.clientIdentifier);
  if (identifierErrors.length) return runMutationPayload(null, identifierErrors);
  const path = String(args.stagedUploadPath ?? "");
  const tooLarge = runMutationPayload(null, [
    {
      field: null,
      message: "The input file size exceeds the maximum allowed size of 100 MB.",
      code: "INVALID_STAGED_UPLOAD_FILE",
    },
  ]);
  // Captured: a target staged with a `fileSize` over 100 MB is refused for its declared size, uploaded or not.
  if ((stagedTarget(ctx.emulator, ctx.shop.id, path)?.declaredSize ?? 0) > MAX_STAGED_UPLOAD_BYTES) return tooLarge;
  const staged = stagedFile(ctx.emulator, ctx.shop.id, path);
  if (!staged) {
    return runMutationPayload(null, [
      {
        field: null,
        message:
          "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.",
        code: "NO_SUCH_FILE",
      },
    ]);
  }
  if (staged.size === 0) {
    return runMutationPayload(null, [
      { field: null, message: "The input file is empty.", code: "INVALID_STAGED_UPLOAD_FILE" },
    ]);
  }
  if (staged.size > MAX_STAGED_UPLOAD_BYTES) return tooLarge;
  if (!(await isJsonlOfObjects(staged.file))) {
    // Unconfirmed wording (reported by developers, no capture).
    return runMutationPayload(null, [
      { field: null, message: "Unexpected file structure - expected JSONL", code: "INVALID_STAGED_UPLOAD_FILE" },
    ]);
  }
  const active = listOperations(ctx.emulator, ctx.shop.id, ctx.clientId)
    .filter((operation) => operation.type === "MUTATION" && !TERMINAL_STATUSES.has(operation.status))
    .sort((a, b) => a.id - b.id);
  if (active.length >= maxConcurrentQueryOperations(ctx.apiVersion)) {
    const ids = active.map((operation) => node(ctx, operation).id).join(", ");
    return runMutationPayload(null, [
      {
        field: null,
        message: `A bulk mutation operation for this app and shop is already in progress: ${ids}.`,
        code: "OPERATION_IN_PROGRESS",
      },
    ]);
  }
  const operation = newOperation(ctx, "MUTATION", mutation);
  operationsOf(ctx.emulator).set(operation.id, operation);
  const answer = node(ctx, operation);
  const runContext: ResolverContext = { ...ctx };
  void runMutationOperation(
    ctx.emulator,
    runContext,
    operation,
    compiled.compiled,
    staged.file,
    bulkOperationStartDelayMs(),
  ).catch((error: unknown) => console.error("[shopify-emulator] bulk mutation crashed", error));
  return runMutationPayload(answer, []);
}

export function bulkMutationResolvers(): Record<string, FieldResolver> {
  return {
    ...stagedUploadResolvers(),
    bulkOperationRunMutation: (args, ctx) => runMutation(args, ctx),
    bulkOperationRunQuery: (args, ctx) => {
      const query = typeof args.query === "string" ? args.query : "";
      const compiled = compileBulkQuery(getAdminSchema(), query);
      if (!compiled.ok) return runQueryPayload(null, compiled.errors);
      const active = listOperations(ctx.emulator, ctx.shop.id, ctx.clientId)
        .filter((operation) => operation.type === "QUERY" && !TERMINAL_STATUSES.has(operation.status))
        .sort((a, b) => a.id - b.id);
      if (active.length >= maxConcurrentQueryOperations(ctx.apiVersion)) {
        const ids = active.map((operation) => node(ctx, operation).id).join(", ");
        return runQueryPayload(null, [
          {
            field: null,
            message: `A bulk query operation for this app and shop is already in progress: ${ids}.`,
            code: "OPERATION_IN_PROGRESS",
          },
        ]);
      }
      const store = ctx.emulator.store;
      const operation: BulkOperationRecord = {
        id: store.nextId(),
        shopId: ctx.shop.id,
        clientId: ctx.clientId,
        type: "QUERY",
        status: "CREATED",
        errorCode: null,
        query,
        groupObjects: args.groupObjects === true,
        createdAt: store.nowIso(),
        completedAt: null,
        objectCount: 0,
        rootObjectCount: 0,
        fileSize: null,
        resultToken: null,
        partialToken: null,
        cancelRequested: false,
      };
      operationsOf(ctx.emulator).set(operation.id, operation);
      const answer = node(ctx, operation);
      // The export must not see this request's search-warning list or be tied to its lifetime.
      const runContext: ResolverContext = { ...ctx };
      void runQueryOperation(ctx.emulator, runContext, operation, compiled.compiled).catch((error: unknown) =>
        console.error("[shopify-emulator] bulk operation crashed", error),
      );
      return runQueryPayload(answer, []);
    },
    bulkOperationCancel: (args, ctx) => {
      const gid = requireGid(args.id);
      const operation =
        gid.type === "BulkOperation" ? findOperation(ctx.emulator, ctx.shop.id, ctx.clientId, gid.id) : null;
      if (!operation) {
        return {
          __typename: "BulkOperationCancelPayload",
          bulkOperation: null,
          userErrors: [{ __typename: "UserError", field: ["id"], message: "Bulk operation does not exist" }],
        };
      }
      if (TERMINAL_STATUSES.has(operation.status)) {
        return {
          __typename: "BulkOperationCancelPayload",
          bulkOperation: node(ctx, operation),
          userErrors: [
            {
              __typename: "UserError",
              field: null,
              message: `A bulk operation cannot be canceled when it is ${operation.status.toLowerCase()}`,
            },
          ],
        };
      }
      if (operation.status !== "CANCELING") {
        operation.status = "CANCELING";
        operation.cancelRequested = true;
      }
      return { __typename: "BulkOperationCancelPayload", bulkOperation: node(ctx, operation), userErrors: [] };
    },
  };
}
