import {
  MARKETING_STATES,
  type CustomerFacts,
  type LineItemFacts,
  type MarketingState,
  type OrderFacts,
  type RefundFacts,
} from "../../domain/sync/sync-records.js";

/**
 * Streaming reader of a bulk operation's JSONL result: bytes in, one parsed line at a time out, then records
 * assembled from a parent line and its child lines (`__parentId`). Memory stays flat: only the current chunk and
 * a bounded window of still-open parents are held, never the file.
 */

export interface JsonLine {
  /** 0-based index of the line in the file. */
  index: number;
  value: Record<string, unknown>;
}

export class JsonlSyntaxError extends Error {
  constructor(
    readonly index: number,
    cause: unknown,
  ) {
    super(
      `Line ${index + 1} of the bulk result is not JSON: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "JsonlSyntaxError";
  }
}

/** Splits a byte or text stream into lines; lines before `skip` are split but not parsed. Blank lines count. */
export async function* jsonLines(
  chunks: AsyncIterable<Uint8Array | string>,
  skip = 0,
): AsyncGenerator<JsonLine, number, undefined> {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let index = 0;
  const parse = (text: string): JsonLine | null => {
    const current = index++;
    if (current < skip) return null;
    const trimmed = text.endsWith("\r") ? text.slice(0, -1) : text;
    if (trimmed.trim() === "") return null;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new JsonlSyntaxError(current, error);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new JsonlSyntaxError(current, new Error("not an object"));
    }
    return { index: current, value: value as Record<string, unknown> };
  };
  for await (const chunk of chunks) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline = pending.indexOf("\n", start);
    while (newline !== -1) {
      const line = parse(pending.slice(start, newline));
      if (line) yield line;
      start = newline + 1;
      newline = pending.indexOf("\n", start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== "") {
    const line = parse(pending);
    if (line) yield line;
  }
  return index;
}

// ---- ids and values ----------------------------------------------------------------------------------------

/** `gid://shopify/Order/123` → `"123"`; null for anything else. */
export function numericId(gid: unknown): string | null {
  if (typeof gid !== "string") return null;
  const match = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/.exec(gid);
  return match ? match[1]! : null;
}

export function gidType(gid: unknown): string | null {
  if (typeof gid !== "string") return null;
  return /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid)?.[1] ?? null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function shopAmount(bag: unknown): string {
  return str(record(record(bag)?.shopMoney)?.amount) ?? "0";
}

const KNOWN_MARKETING_STATES = new Set<MarketingState>(MARKETING_STATES);

function marketingState(consent: unknown): MarketingState | null {
  const state = str(record(consent)?.marketingState);
  return state && KNOWN_MARKETING_STATES.has(state as MarketingState) ? (state as MarketingState) : null;
}

// ---- mappers -----------------------------------------------------------------------------------------------

export function orderFromLine(line: Record<string, unknown>): OrderFacts {
  const id = numericId(line.id);
  if (!id) throw new Error(`An order line has no order id: ${JSON.stringify(line.id)}`);
  const address = record(line.shippingAddress);
  const createdAt = str(line.createdAt) ?? "";
  const refunds: RefundFacts[] = (Array.isArray(line.refunds) ? line.refunds : []).flatMap((raw) => {
    const refund = record(raw);
    const refundId = numericId(refund?.id);
    return refund && refundId
      ? [{ id: refundId, createdAt: str(refund.createdAt) ?? createdAt, amount: shopAmount(refund.totalRefundedSet) }]
      : [];
  });
  return {
    id,
    customerId: numericId(record(line.customer)?.id),
    createdAt,
    processedAt: str(line.processedAt) ?? createdAt,
    updatedAt: str(line.updatedAt) ?? createdAt,
    cancelledAt: str(line.cancelledAt),
    test: line.test === true,
    currency: str(line.currencyCode) ?? "",
    presentmentCurrency: str(line.presentmentCurrencyCode) ?? str(line.currencyCode) ?? "",
    totalPrice: shopAmount(line.totalPriceSet),
    subtotalPrice: shopAmount(line.subtotalPriceSet),
    totalDiscounts: shopAmount(line.totalDiscountsSet),
    discountCodes: Array.isArray(line.discountCodes)
      ? line.discountCodes.filter((c): c is string => typeof c === "string")
      : [],
    sourceName: str(line.sourceName),
    financialStatus: str(line.displayFinancialStatus),
    countryCode: str(address?.countryCodeV2),
    provinceCode: str(address?.provinceCode),
    city: str(address?.city),
    lineItems: [],
    refunds,
  };
}

export function lineItemFromLine(
  line: Record<string, unknown>,
  collectionsOf: (productId: string) => string[] = () => [],
): LineItemFacts {
  const product = record(line.product);
  const productId = numericId(product?.id);
  return {
    id: numericId(line.id) ?? "",
    productId,
    variantId: numericId(record(line.variant)?.id),
    title: str(line.title) ?? "",
    vendor: str(line.vendor),
    productType: str(product?.productType),
    collectionIds: productId ? collectionsOf(productId) : [],
    quantity: typeof line.quantity === "number" ? line.quantity : 0,
    amount: shopAmount(line.discountedTotalSet),
  };
}

export function customerFromLine(line: Record<string, unknown>): CustomerFacts {
  const id = numericId(line.id);
  if (!id) throw new Error(`A customer line has no customer id: ${JSON.stringify(line.id)}`);
  const address = record(line.defaultAddress);
  const createdAt = str(line.createdAt) ?? "";
  return {
    id,
    createdAt,
    updatedAt: str(line.updatedAt) ?? createdAt,
    state: str(line.state),
    tags: Array.isArray(line.tags) ? line.tags.filter((t): t is string => typeof t === "string") : [],
    emailMarketing: marketingState(line.emailMarketingConsent),
    smsMarketing: marketingState(line.smsMarketingConsent),
    countryCode: str(address?.countryCodeV2),
    provinceCode: str(address?.provinceCode),
    city: str(address?.city),
  };
}

// ---- assembly ----------------------------------------------------------------------------------------------

export interface AssemblyRules<T> {
  /** Makes a record from a root line (no `__parentId`). */
  root(line: Record<string, unknown>): T;
  /** Adds a child line to its parent's record. */
  child(parent: T, line: Record<string, unknown>): void;
}

interface OpenRecord<T> {
  gid: string;
  firstLine: number;
  value: T;
}

/**
 * Assembles records from lines in file order. With `groupObjects: true` Shopify writes each parent's children
 * directly below it; without grouping they only come somewhere after it. A window of the most recent parents
 * stays open for late children: a parent is complete when it leaves the window (oldest first) or at the end.
 * A child whose parent already left the window cannot be attached and is counted in `orphans`.
 */
export class RecordAssembler<T> {
  private readonly open = new Map<string, OpenRecord<T>>();
  orphans = 0;

  constructor(
    private readonly rules: AssemblyRules<T>,
    private readonly window = 1,
  ) {}

  /** Feeds one line; returns the records it completed. */
  push(line: JsonLine): T[] {
    const parentId = str(line.value.__parentId);
    if (parentId !== null) {
      const parent = this.open.get(parentId);
      if (parent) this.rules.child(parent.value, line.value);
      else this.orphans++;
      return [];
    }
    const gid = str(line.value.id) ?? `line:${line.index}`;
    const completed: T[] = [];
    const existing = this.open.get(gid);
    if (existing) {
      // The same root twice (should not happen): keep the later snapshot.
      this.open.delete(gid);
      completed.push(existing.value);
    }
    this.open.set(gid, { gid, firstLine: line.index, value: this.rules.root(line.value) });
    while (this.open.size > this.window) {
      const oldest = this.open.values().next().value as OpenRecord<T>;
      this.open.delete(oldest.gid);
      completed.push(oldest.value);
    }
    return completed;
  }

  /** The end of the file: every open record is complete. */
  finish(): T[] {
    const rest = [...this.open.values()].map((open) => open.value);
    this.open.clear();
    return rest;
  }

  /**
   * The first line a restart must read again: the oldest open parent's line, or `nextLine` when none is open.
   * Every record completed so far lies wholly before it.
   */
  resumeLine(nextLine: number): number {
    const oldest = this.open.values().next().value as OpenRecord<T> | undefined;
    return oldest ? oldest.firstLine : nextLine;
  }
}

export function orderRules(collectionsOf?: (productId: string) => string[]): AssemblyRules<OrderFacts> {
  return {
    root: orderFromLine,
    child(order, line) {
      if (gidType(line.id) === "LineItem") order.lineItems.push(lineItemFromLine(line, collectionsOf));
    },
  };
}

export const customerRules: AssemblyRules<CustomerFacts> = {
  root: customerFromLine,
  child: () => undefined,
};

/** Product → collection ids, from the product-collections export. */
export const productCollectionRules: AssemblyRules<{ productId: string; collectionIds: string[] }> = {
  root: (line) => ({ productId: numericId(line.id) ?? "", collectionIds: [] }),
  child(product, line) {
    const id = numericId(line.id);
    if (id && gidType(line.id) === "Collection") product.collectionIds.push(id);
  },
};

/** The product-collections export as product id → collection ids (products in no collection left out). */
export async function readProductCollections(
  chunks: AsyncIterable<Uint8Array | string>,
  window: number,
): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  const assembler = new RecordAssembler(productCollectionRules, window);
  const keep = (products: { productId: string; collectionIds: string[] }[]) => {
    for (const product of products) if (product.collectionIds.length) map.set(product.productId, product.collectionIds);
  };
  for await (const line of jsonLines(chunks)) keep(assembler.push(line));
  keep(assembler.finish());
  return map;
}
