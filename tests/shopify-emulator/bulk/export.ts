/**
 * Runs a compiled bulk query page by page and hands JSONL lines to a sink. Two executors over the same resolvers:
 *
 * - `graphqlExecutor` (the reference): graphql-js executes the query once per page of 250 root nodes, with
 *   `first`/`after` rewritten as Shopify ignores the client's pagination, and the result is flattened into lines.
 * - `directExecutor` (the fast one): root rows are read straight from SQLite in id-ordered pages of 1,000 (one
 *   prepared statement), each parsed once, and written as JSONL text by per-type field writers compiled from the
 *   selection (fast-writers.ts) that compute only the selected fields from the stored records. Types and fields
 *   without a writer fall back to the resolvers' node builders, walked without graphql-js's per-field machinery.
 *   export.test.ts compares both executors byte for byte on random stores, the app's own bulk queries included.
 *
 * Lines: one object per connection node; nested connection nodes are their own lines with `__parentId` (the id of
 * the enclosing connection node), written after their parent.
 */
import {
  execute,
  getNamedType,
  isEnumType,
  Kind,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { buildFieldResolver, shopifyError } from "../graphql/execute.js";
import type { ResolverContext, RootResolvers } from "../graphql/schema.js";
import type { CollectionRecord, CustomerRecord, OrderRecord, ProductRecord } from "../store/types.js";
import type { SearchSpec, SqlFragment } from "../graphql/search-query.js";
import {
  collectionNode,
  customerNode,
  orderNode,
  orderVisibility,
  productNode,
  searchFilter,
} from "../graphql/resolvers/objects.js";
import { collectionSearch, customerSearch, orderSearch, productSearch } from "../graphql/resolvers/search-specs.js";
import type { Table } from "../store/store.js";
import { matchesCondition, type FieldPlan } from "./plan.js";
import {
  writerCompiler,
  type Deferred,
  type JsonLine,
  shopifyJson,
  type LineId,
  type ObjectWriter,
  type WriterEnv,
} from "./fast-writers.js";
import type { CompiledBulkQuery } from "./validate.js";

export type { JsonLine } from "./fast-writers.js";

/** Shopify's page size inside a bulk export is its own business; 250 is the largest a connection serves. */
export const BULK_PAGE_SIZE = 250;

export interface ExportSink {
  /** One page of lines: `roots` of them are root nodes. Awaited, so the sink can apply backpressure. */
  page(lines: JsonLine[], roots: number): Promise<void>;
  /**
   * The same page as JSONL text (`lineCount` lines, each ending in a newline, the bytes `jsonlLine` would write).
   * When present, the direct executor calls it instead of `page` and never builds the line objects.
   */
  text?(chunk: string, lineCount: number, roots: number): Promise<void>;
  /** Checked between pages: true stops the export (cancel, injected failure). */
  shouldStop(): boolean;
}

export interface BulkExecutor {
  run(compiled: CompiledBulkQuery, context: ResolverContext, sink: ExportSink): Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface ConnectionValue {
  edges: { node: unknown }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pagingArgs(args: Record<string, unknown>, after: string | null): Record<string, unknown> {
  const { first: _first, last: _last, after: _after, before: _before, ...rest } = args;
  return { ...rest, first: BULK_PAGE_SIZE, ...(after ? { after } : {}) };
}

/**
 * Whether a root connection should be walked in id order: when the client named no sort key and the field sorts
 * by ID. Shopify promises no order for bulk results; id order lets every page be a primary-key range instead of
 * a sort of the whole table (which made a million-order export quadratic).
 */
function sortsById(plan: FieldPlan): boolean {
  // `args` carries the schema's default sort key; only one the client wrote counts.
  if (plan.node.arguments?.some((argument) => argument.name.value === "sortKey")) return false;
  const sortKey = plan.definition?.args.find((argument) => argument.name === "sortKey");
  const type = sortKey ? getNamedType(sortKey.type) : null;
  return type !== null && isEnumType(type) && type.getValue("ID") !== undefined;
}

function rootPagingArgs(plan: FieldPlan, after: string | null): Record<string, unknown> {
  return { ...pagingArgs(plan.args, after), ...(sortsById(plan) ? { sortKey: "ID" } : {}) };
}

/**
 * A resolver context whose store remembers catalogue rows for the run: a million orders point at a few hundred
 * products, and each line item would otherwise re-read and re-parse its product and scan collections for it.
 */
export function cachingContext(context: ResolverContext, limit = 50_000): ResolverContext {
  const store = context.emulator.store;
  const cached = Object.create(store) as typeof store;
  const rows = new Map<string, unknown>();
  const collections = new Map<number, CollectionRecord[]>();
  cached.getRecord = <T>(table: Table, shopId: number, id: number): T | null => {
    if (table !== "products" && table !== "collections") return store.getRecord<T>(table, shopId, id);
    const key = `${table}:${shopId}:${id}`;
    if (rows.has(key)) return rows.get(key) as T | null;
    if (rows.size >= limit) rows.clear();
    const row = store.getRecord<T>(table, shopId, id);
    rows.set(key, row);
    return row;
  };
  cached.collectionsOfProduct = (shopId: number, productId: number): CollectionRecord[] => {
    let list = collections.get(productId);
    if (!list) {
      if (collections.size >= limit) collections.clear();
      list = store.collectionsOfProduct(shopId, productId);
      collections.set(productId, list);
    }
    return [...list];
  };
  return { ...context, emulator: { ...context.emulator, store: cached } };
}

// ---- the direct executor ----------------------------------------------------------------------------------------

function infoFor(plan: FieldPlan): GraphQLResolveInfo {
  // Resolvers read only `fieldName` and `path` (for search warnings) from info.
  return { fieldName: plan.fieldName, path: undefined } as unknown as GraphQLResolveInfo;
}

function resolveField(
  source: Record<string, unknown>,
  plan: FieldPlan,
  args: Record<string, unknown>,
  context: ResolverContext,
): unknown {
  if (!Object.prototype.hasOwnProperty.call(source, plan.fieldName)) {
    const typeName = typeof source.__typename === "string" ? source.__typename : "Object";
    throw shopifyError(
      `Field '${typeName}.${plan.fieldName}' is not implemented by the local Shopify`,
      "NOT_IMPLEMENTED",
    );
  }
  const value = source[plan.fieldName];
  const resolved =
    typeof value === "function"
      ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, infoFor(plan))
      : value;
  if (resolved instanceof Promise) throw new Error(`Field '${plan.fieldName}' resolved asynchronously`);
  return resolved;
}

function renderObject(
  schema: GraphQLSchema,
  source: Record<string, unknown>,
  plans: FieldPlan[],
  context: ResolverContext,
  deferred: Deferred[],
): JsonLine {
  const out: JsonLine = {};
  for (const plan of plans) {
    if (plan.condition && !matchesCondition(schema, plan.condition, source.__typename)) continue;
    if (plan.definition === null) {
      out[plan.responseKey] = source.__typename;
      continue;
    }
    if (plan.kind === "connection") {
      deferred.push({ kind: "generic", plan, owner: source });
      continue;
    }
    const value = resolveField(source, plan, plan.args, context) ?? null;
    if (plan.kind === "leaf" || value === null) {
      mergeInto(out, plan.responseKey, value);
    } else if (Array.isArray(value)) {
      mergeInto(
        out,
        plan.responseKey,
        value.map((item: unknown) =>
          isRecord(item) ? renderObject(schema, item, plan.selections, context, deferred) : null,
        ),
      );
    } else if (isRecord(value)) {
      mergeInto(out, plan.responseKey, renderObject(schema, value, plan.selections, context, deferred));
    }
  }
  return out;
}

function mergeInto(target: JsonLine, key: string, value: unknown): void {
  const existing = target[key];
  if (isRecord(existing) && isRecord(value)) {
    for (const [innerKey, innerValue] of Object.entries(value)) mergeInto(existing, innerKey, innerValue);
  } else {
    target[key] = value;
  }
}

/**
 * Adds a connection node's line (JSON text) with its parent's id, then the lines of its nested connections (deferred
 * while writing it). `__parentId` goes last, as the reference adds it after the selected fields.
 */
function pushLine(
  schema: GraphQLSchema,
  text: string,
  id: string | undefined,
  deferred: Deferred[],
  parentId: string | undefined,
  env: WriterEnv,
  out: string[],
): void {
  if (parentId === undefined) out.push(text);
  else if (text === "{}") out.push(`{"__parentId":${parentId}}`);
  else out.push(`${text.slice(0, -1)},"__parentId":${parentId}}`);
  for (const entry of deferred) {
    if (entry.kind === "fast") {
      for (const record of entry.records) emitRecord(schema, entry.writer, record, id, env, out);
      continue;
    }
    const { plan, owner } = entry;
    let after: string | null = null;
    for (;;) {
      const connection = resolveField(owner, plan, pagingArgs(plan.args, after), env.context) as ConnectionValue | null;
      if (!connection) break;
      for (const edge of connection.edges) {
        if (isRecord(edge.node)) emitNode(schema, edge.node, plan.selections, id, env, out);
      }
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
      after = connection.pageInfo.endCursor;
    }
  }
}

function emitRecord(
  schema: GraphQLSchema,
  writer: ObjectWriter,
  record: unknown,
  parentId: string | undefined,
  env: WriterEnv,
  out: string[],
): void {
  const deferred: Deferred[] = [];
  const line: LineId = { id: undefined };
  const text = writer(record, env, deferred, line);
  pushLine(schema, text, line.id, deferred, parentId, env, out);
}

function emitNode(
  schema: GraphQLSchema,
  node: Record<string, unknown>,
  plans: FieldPlan[],
  parentId: string | undefined,
  env: WriterEnv,
  out: string[],
): void {
  const deferred: Deferred[] = [];
  const line = renderObject(schema, node, plans, env.context, deferred);
  const id = line.id === undefined ? undefined : shopifyJson(line.id);
  pushLine(schema, shopifyJson(line), id, deferred, parentId, env, out);
}

/** Hands a page of JSONL lines to the sink: as text when it takes text, else as objects. */
function sendPage(sink: ExportSink, lines: string[], roots: number): Promise<void> {
  if (sink.text) return sink.text(lines.length ? `${lines.join("\n")}\n` : "", lines.length, roots);
  return sink.page(
    lines.map((line) => JSON.parse(line) as JsonLine),
    roots,
  );
}

/** The table behind a root connection, for streaming it by primary key, with the filters of its resolver. */
interface TableSource {
  table: Table;
  typeName: string;
  filters: SqlFragment[];
  toNode: (record: unknown) => Record<string, unknown>;
}

const STREAM_PAGE_SIZE = 1_000;

function tableSource(root: FieldPlan, context: ResolverContext): TableSource | null {
  if (!sortsById(root)) return null;
  const now = context.emulator.store.now;
  const filter = (spec: SearchSpec) => searchFilter(context, spec, root.args.query);
  switch (root.fieldName) {
    case "orders":
      return {
        table: "orders",
        typeName: "Order",
        filters: [...orderVisibility(context), ...filter(orderSearch(now))],
        toNode: (record) => orderNode(context, record as OrderRecord),
      };
    case "customers":
      return {
        table: "customers",
        typeName: "Customer",
        filters: filter(customerSearch(now)),
        toNode: (record) => customerNode(context, record as CustomerRecord),
      };
    case "products":
      return {
        table: "products",
        typeName: "Product",
        filters: filter(productSearch(now)),
        toNode: (record) => productNode(context, record as ProductRecord),
      };
    case "collections":
      return {
        table: "collections",
        typeName: "Collection",
        filters: filter(collectionSearch(now)),
        toNode: (record) => collectionNode(context, record as CollectionRecord),
      };
    default:
      return null;
  }
}

/**
 * Pages of stored rows (JSON text) in id order, each one primary-key range scan over one prepared statement (its
 * own, not the store's shared cache, as it is switched to raw rows): memory and time per page stay flat. Rows are
 * parsed one at a time by the caller, so a page's records never all live at once.
 */
function* streamTable(source: TableSource, context: ResolverContext): Generator<string[]> {
  const where = ["t.shop_id = ?", "t.id > ?", ...source.filters.map((filter) => `(${filter.sql})`)].join(" AND ");
  const statement = context.emulator.store.db
    .prepare(`SELECT t.id, t.data FROM ${source.table} t WHERE ${where} ORDER BY t.id LIMIT ?`)
    .raw();
  const params = source.filters.flatMap((filter) => filter.params);
  let after = -1;
  for (;;) {
    const rows = statement.all(context.shop.id, after, ...params, STREAM_PAGE_SIZE) as [number, string][];
    if (rows.length === 0) return;
    yield rows.map((row) => row[1]);
    if (rows.length < STREAM_PAGE_SIZE) return;
    after = rows[rows.length - 1]![0];
  }
}

/** The customer ids of a page of order rows, read without parsing the rows (the field sits near the start). */
function customerIdsOfRows(rows: readonly string[]): number[] {
  const ids: number[] = [];
  for (const row of rows) {
    const match = CUSTOMER_ID.exec(row);
    if (match) ids.push(Number(match[1]));
  }
  return ids;
}

const CUSTOMER_ID = /"customerId":(\d+)/;

interface PagedWriterEnv extends WriterEnv {
  /** Looks up, in one query, the customers a page of records will ask `customerExists` about. */
  prefetchCustomers(ids: number[]): void;
}

function writerEnv(context: ResolverContext): PagedWriterEnv {
  const { db } = context.emulator.store;
  const exists = db.prepare("SELECT 1 FROM customers WHERE shop_id = ? AND id = ?").pluck();
  const existing = db
    .prepare("SELECT id FROM customers WHERE shop_id = ? AND id IN (SELECT value FROM json_each(?))")
    .pluck();
  let known = new Set<number>();
  let asked = new Set<number>();
  const products = new Map<number, ProductRecord | null>();
  return {
    context,
    product(id) {
      let product = products.get(id);
      if (product === undefined) {
        if (products.size >= 50_000) products.clear();
        product = context.emulator.store.getRecord<ProductRecord>("products", context.shop.id, id);
        products.set(id, product);
      }
      return product;
    },
    customerExists: (id) => (asked.has(id) ? known.has(id) : exists.get(context.shop.id, id) !== undefined),
    prefetchCustomers(ids) {
      asked = new Set(ids);
      known = new Set(ids.length ? (existing.all(context.shop.id, JSON.stringify(ids)) as number[]) : []);
    },
  };
}

export function directExecutor(schema: GraphQLSchema, resolvers: RootResolvers): BulkExecutor {
  return {
    async run(compiled, baseContext, sink) {
      const context = cachingContext(baseContext);
      const env = writerEnv(context);
      const compiler = writerCompiler(schema, (node, plans, writerEnv, deferred) =>
        renderObject(schema, node, plans, writerEnv.context, deferred),
      );
      for (const root of compiled.roots.filter((plan) => plan.kind === "connection")) {
        const source = tableSource(root, context);
        if (source) {
          const writer = compiler.compile(source.typeName, root.selections);
          for (const rows of streamTable(source, context)) {
            const lines: string[] = [];
            if (writer) {
              if (source.typeName === "Order") env.prefetchCustomers(customerIdsOfRows(rows));
              for (const row of rows) emitRecord(schema, writer, JSON.parse(row), undefined, env, lines);
            } else {
              for (const row of rows)
                emitNode(schema, source.toNode(JSON.parse(row)), root.selections, undefined, env, lines);
            }
            await sendPage(sink, lines, rows.length);
            if (sink.shouldStop()) return;
            await nextTurn();
          }
          continue;
        }
        const resolver = resolvers.QueryRoot[root.fieldName];
        if (!resolver) throw new Error(`Field 'QueryRoot.${root.fieldName}' is not implemented by the local Shopify`);
        let after: string | null = null;
        for (;;) {
          const connection = resolver(rootPagingArgs(root, after), context, infoFor(root)) as ConnectionValue;
          const lines: string[] = [];
          let roots = 0;
          for (const edge of connection.edges) {
            if (!isRecord(edge.node)) continue;
            roots += 1;
            emitNode(schema, edge.node, root.selections, undefined, env, lines);
          }
          await sendPage(sink, lines, roots);
          if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor || sink.shouldStop()) break;
          after = connection.pageInfo.endCursor;
          await nextTurn();
        }
      }
    },
  };
}

// ---- the graphql-js executor (reference) --------------------------------------------------------------------------

const PAGE_INFO_KEY = "__bulkPageInfo";
const AFTER_VARIABLE = "bulkAfter";

function pageInfoSelection(): FieldNode {
  const leaf = (name: string): FieldNode => ({ kind: Kind.FIELD, name: { kind: Kind.NAME, value: name } });
  return {
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: PAGE_INFO_KEY },
    name: { kind: Kind.NAME, value: "pageInfo" },
    selectionSet: { kind: Kind.SELECTION_SET, selections: [leaf("hasNextPage"), leaf("endCursor")] },
  };
}

function rewriteConnection(field: FieldNode, withAfter: boolean, byId = false): FieldNode {
  const kept = (field.arguments ?? []).filter(
    (argument) => !["first", "last", "after", "before"].includes(argument.name.value),
  );
  const args: ArgumentNode[] = [
    ...kept,
    {
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: "first" },
      value: { kind: Kind.INT, value: String(BULK_PAGE_SIZE) },
    },
  ];
  if (byId) {
    args.push({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: "sortKey" },
      value: { kind: Kind.ENUM, value: "ID" },
    });
  }
  if (withAfter) {
    args.push({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: "after" },
      value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: AFTER_VARIABLE } },
    });
  }
  return {
    ...field,
    arguments: args,
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [...(field.selectionSet?.selections ?? []), pageInfoSelection()],
    },
  };
}

/** The inner query with only `root` at the top, every connection paged by 250 and reporting its page info. */
function pagedDocument(compiled: CompiledBulkQuery, root: FieldPlan): DocumentNode {
  const connectionNodes = new Set<FieldNode>();
  const gather = (plans: FieldPlan[]): void => {
    for (const plan of plans) {
      if (plan.kind === "connection") connectionNodes.add(plan.node);
      gather(plan.selections);
    }
  };
  gather(root.selections);
  const operation: OperationDefinitionNode = {
    ...compiled.operation,
    variableDefinitions: [
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: AFTER_VARIABLE } },
        type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: "String" } },
      },
    ],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [rewriteConnection(root.node, true, sortsById(root))] },
  };
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...compiled.document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)],
  };
  return visit(document, {
    Field: {
      enter(node) {
        return connectionNodes.has(node) ? rewriteConnection(node, false) : undefined;
      },
    },
  });
}

function plansByKey(plans: FieldPlan[]): Map<string, FieldPlan[]> {
  const map = new Map<string, FieldPlan[]>();
  for (const plan of plans) map.set(plan.responseKey, [...(map.get(plan.responseKey) ?? []), plan]);
  return map;
}

function flattenObject(data: Record<string, unknown>, plans: FieldPlan[], deferred: [FieldPlan, unknown][]): JsonLine {
  const byKey = plansByKey(plans);
  const out: JsonLine = {};
  for (const [key, value] of Object.entries(data)) {
    const keyed = byKey.get(key);
    const plan = keyed?.[0];
    if (!plan || !keyed) continue;
    if (plan.kind === "connection") {
      deferred.push([plan, value]);
    } else if (plan.kind === "object" && value !== null) {
      const selections = keyed.flatMap((candidate) => candidate.selections);
      out[key] = Array.isArray(value)
        ? value.map((item: unknown) => (isRecord(item) ? flattenObject(item, selections, deferred) : null))
        : isRecord(value)
          ? flattenObject(value, selections, deferred)
          : value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function flattenNode(data: Record<string, unknown>, plans: FieldPlan[], parentId: unknown, out: JsonLine[]): void {
  const deferred: [FieldPlan, unknown][] = [];
  const line = flattenObject(data, plans, deferred);
  if (parentId !== undefined) line.__parentId = parentId;
  out.push(line);
  for (const [plan, value] of deferred) {
    if (!isRecord(value)) continue;
    const pageInfo = value[PAGE_INFO_KEY] as { hasNextPage: boolean } | undefined;
    if (pageInfo?.hasNextPage) throw new Error(`Nested connection '${plan.fieldName}' has more than 250 nodes`);
    for (const edge of (value.edges as { node: unknown }[] | undefined) ?? []) {
      if (isRecord(edge.node)) flattenNode(edge.node, plan.selections, line.id, out);
    }
  }
}

export function graphqlExecutor(schema: GraphQLSchema, resolvers: RootResolvers): BulkExecutor {
  const fieldResolver = buildFieldResolver(schema, resolvers);
  return {
    async run(compiled, baseContext, sink) {
      const context = cachingContext(baseContext);
      for (const root of compiled.roots.filter((plan) => plan.kind === "connection")) {
        const document = pagedDocument(compiled, root);
        let after: string | null = null;
        for (;;) {
          const result = await execute({
            schema,
            document,
            variableValues: { [AFTER_VARIABLE]: after },
            contextValue: context,
            fieldResolver,
          });
          if (result.errors?.length) throw result.errors[0]!;
          const connection = (result.data ?? {})[root.responseKey] as Record<string, unknown> | null;
          const edges = (connection?.edges as { node: unknown }[] | undefined) ?? [];
          const lines: JsonLine[] = [];
          let roots = 0;
          for (const edge of edges) {
            if (!isRecord(edge.node)) continue;
            roots += 1;
            flattenNode(edge.node, root.selections, undefined, lines);
          }
          await sink.page(lines, roots);
          const pageInfo = connection?.[PAGE_INFO_KEY] as
            { hasNextPage: boolean; endCursor: string | null } | undefined;
          if (!pageInfo?.hasNextPage || !pageInfo.endCursor || sink.shouldStop()) break;
          after = pageInfo.endCursor;
          await nextTurn();
        }
      }
    },
  };
}

/** A JSONL line as Shopify writes it: compact JSON with `/` escaped (`"gid:\/\/shopify\/Product\/1"`). */
export function jsonlLine(line: JsonLine): string {
  return `${JSON.stringify(line).replace(/\//g, "\\/")}\n`;
}

/** A page of JSONL lines as one string (the same bytes as `jsonlLine` of each, joined): one escape pass per page. */
export function jsonlChunk(lines: readonly JsonLine[]): string {
  if (lines.length === 0) return "";
  const parts = new Array<string>(lines.length);
  for (let index = 0; index < lines.length; index += 1) parts[index] = JSON.stringify(lines[index]);
  return `${parts.join("\n").replace(/\//g, "\\/")}\n`;
}
