/**
 * A discount from a segment in one step: the form is validated, the segment's Shopify segment is made (or reused),
 * the discount is created limited to it, and the discount is recorded. Nothing is left half-made: a refused discount
 * deletes the Shopify segment made for it, and a failed record deletes the discount. A tag discount (method
 * "function") needs no Shopify segment: Cohort's discount Function checks the buyer's tag, configured through the
 * discount's metafield.
 */
import { formatMoney, parseMoney } from "../../domain/money.js";
import { discounts as text } from "../../locales/en/discounts.js";
import {
  DiscountRequestSchema,
  fieldErrorsOf,
  fieldOfShopifyPath,
  type DiscountRequest,
  type FieldErrors,
} from "./discount-request.js";
import type {
  DiscountSegment,
  DiscountStore,
  LiveDiscountState,
  ShopifyDiscountInput,
  ShopifyDiscounts,
  ShopifyUserError,
  StoredDiscount,
  TagDiscountConfiguration,
} from "./ports.js";
import { ensureShopifySegment } from "./shopify-segment-link.js";

export interface DiscountDependencies {
  shopify: ShopifyDiscounts;
  store: DiscountStore;
}

export type CreateDiscountOutcome =
  { ok: true; discount: StoredDiscount; warnings: string[] } | { ok: false; fieldErrors: FieldErrors };

function mapUserErrors(errors: readonly ShopifyUserError[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const error of errors) {
    const field = fieldOfShopifyPath(error.field);
    const message =
      error.field === null && /segment limit/i.test(error.message)
        ? text.segmentLimit
        : text.shopifyRefused(error.message);
    fields[field] ??= message;
  }
  return fields;
}

function toDate(value: string | null | undefined, fallback: string | null): string | null {
  if (!value) return fallback;
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString();
}

function defaultTitle(segment: DiscountSegment, request: DiscountRequest): string {
  const what =
    request.kind === "free_shipping"
      ? "free shipping"
      : request.kind === "percentage"
        ? `${request.value}% off`
        : `${request.value} off`;
  return `${segment.name}: ${what}`.slice(0, 255);
}

/** What the Function gives: the percentage, the fixed amount, or 100 % off delivery for free shipping. */
function tagDiscountConfiguration(tag: string, request: DiscountRequest): TagDiscountConfiguration {
  if (request.kind === "free_shipping") return { tags: [tag], percentage: 100 };
  if (request.kind === "percentage") return { tags: [tag], percentage: request.value! };
  return { tags: [tag], fixedAmount: formatMoney(parseMoney(String(request.value))) };
}

export async function createSegmentDiscount(
  deps: DiscountDependencies,
  shop: string,
  segment: DiscountSegment,
  raw: unknown,
  now: Date,
): Promise<CreateDiscountOutcome> {
  const parsed = DiscountRequestSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error) };
  const request = parsed.data;
  if (segment.tag === null) return { ok: false, fieldErrors: { segment: text.needsTag } };
  const tag = segment.tag;

  const warnings: string[] = [];
  if ((await deps.shopify.customersWithTag(tag)) === 0) warnings.push(text.emptyTag(tag));

  const byFunction = request.method === "function";
  const linked = byFunction
    ? null
    : await ensureShopifySegment(deps.shopify, deps.store, shop, { ...segment, tag }, now);
  if (linked && !linked.ok) return { ok: false, fieldErrors: mapUserErrors(linked.userErrors) };
  const undoSegment = async () => {
    if (!linked?.created) return;
    await deps.shopify.deleteSegment(linked.link.shopifySegmentId);
    await deps.store.deleteLink(shop, segment.id);
  };

  // Shopify's order times have whole seconds: an order placed in the discount's first second must still be its own.
  const madeAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  const startsAt = toDate(request.startsAt, madeAt)!;
  const value = request.kind === "free_shipping" ? "0" : String(request.value);
  const input: ShopifyDiscountInput = {
    method: request.method,
    kind: request.kind,
    title: request.title || defaultTitle(segment, request),
    code: request.method === "code" ? request.code! : null,
    value,
    startsAt,
    endsAt: toDate(request.endsAt, null),
    minimumSubtotal: request.minimumSubtotal === undefined ? null : String(request.minimumSubtotal),
    usageLimit: request.usageLimit ?? null,
    appliesOncePerCustomer: request.appliesOncePerCustomer ?? false,
    combinesWith: {
      orderDiscounts: request.combinesWithOrderDiscounts ?? false,
      productDiscounts: request.combinesWithProductDiscounts ?? false,
      shippingDiscounts: request.combinesWithShippingDiscounts ?? false,
    },
    shopifySegmentId: linked?.link.shopifySegmentId ?? null,
    tagDiscount: byFunction ? tagDiscountConfiguration(tag, request) : null,
  };

  let created;
  try {
    created = await deps.shopify.createDiscount(input);
  } catch (error) {
    await undoSegment();
    throw error;
  }
  if (!created.ok) {
    await undoSegment();
    return { ok: false, fieldErrors: mapUserErrors(created.userErrors) };
  }

  const discount: StoredDiscount = {
    id: created.value.id,
    segmentId: segment.id,
    method: input.method,
    kind: input.kind,
    title: input.title,
    code: input.code,
    value: request.kind === "fixed" ? String(parseMoney(value)) : request.kind === "percentage" ? value : "0",
    startsAt,
    endsAt: input.endsAt,
    usageLimit: input.usageLimit,
    createdAt: madeAt,
  };
  try {
    await deps.store.saveDiscount(shop, discount);
  } catch (error) {
    await deps.shopify.deleteDiscount(discount.id, discount.method);
    await undoSegment();
    throw error;
  }
  return { ok: true, discount, warnings };
}

export interface SegmentDiscountView {
  id: string;
  title: string;
  method: StoredDiscount["method"];
  kind: StoredDiscount["kind"];
  code: string | null;
  /** "15" (percent) or "10.00" (shop currency) or null for free shipping. */
  value: string | null;
  startsAt: string;
  endsAt: string | null;
  status: LiveDiscountState["status"] | "UNKNOWN";
  /** Shopify's count of uses (asynchronous); redemptions are the synced orders that carried the code. */
  shopifyUsageCount: number | null;
  redemptions: number;
  /** Decimal string, shop currency. */
  revenue: string;
}

/** The segment's discounts with their live status from Shopify and the revenue of the synced orders that used them. */
export async function listSegmentDiscounts(
  deps: DiscountDependencies,
  shop: string,
  segmentId?: string,
): Promise<SegmentDiscountView[]> {
  const [stored, attribution] = await Promise.all([
    deps.store.discounts(shop, segmentId),
    deps.store.attribution(shop, segmentId),
  ]);
  let live = new Map<string, LiveDiscountState>();
  try {
    if (stored.length > 0) live = await deps.shopify.discountStates(stored.map((discount) => discount.id));
  } catch {
    // Shopify unreachable: the page still shows what the synced orders say.
  }
  const byId = new Map(attribution.map((row) => [row.discountId, row]));
  return stored.map((discount) => {
    const state = live.get(discount.id);
    const row = byId.get(discount.id);
    return {
      id: discount.id,
      title: discount.title,
      method: discount.method,
      kind: discount.kind,
      code: discount.code,
      value:
        discount.kind === "free_shipping"
          ? null
          : discount.kind === "fixed"
            ? formatMoney(BigInt(discount.value))
            : discount.value,
      startsAt: discount.startsAt,
      endsAt: discount.endsAt,
      status: state?.status ?? "UNKNOWN",
      shopifyUsageCount: state?.asyncUsageCount ?? null,
      redemptions: row?.redemptions ?? 0,
      revenue: formatMoney(row?.revenue ?? 0n),
    };
  });
}
