/**
 * Native discounts Cohort creates: amount-off (percentage or fixed) and free shipping, as a code or automatic,
 * limited to buyers by `context` (`customerSegments: {add}`, `customers: {add}`, `all`) or the deprecated
 * `customerSelection`; read back by id, by code and through `discountNodes`. Orders placed with a code
 * (control API) raise its `asyncUsageCount`. Captured: DiscountCodeNode/DiscountAutomaticNode ids, the context union
 * and "Only one of context or customerSelection can be provided."; the other userError texts are unconfirmed
 * (no capture) and follow Shopify's DiscountErrorCode names.
 */
import { GraphQLError } from "graphql";
import type { FieldResolver, ResolverContext } from "../schema.js";
import { parseGid, toGid } from "../../store/types.js";
import { listConnection, type ConnectionArgs } from "./connection.js";
import { dateTime, moneyV2 } from "./format.js";
import { customerNode } from "./objects.js";
import { getSegment, segmentNode } from "./segments.js";
import { matchesTagQuery } from "./segment-query.js";

export interface DiscountRecord {
  id: number;
  method: "code" | "automatic";
  kind: "basic" | "freeShipping";
  title: string;
  code: string | null;
  startsAt: string;
  endsAt: string | null;
  value: { percentage: number } | { amount: string; appliesOnEachItem: boolean } | null;
  minimumSubtotal: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  /** null: every buyer. */
  segmentIds: number[] | null;
  customerIds: number[] | null;
  asyncUsageCount: number;
  /** The input it was made from, so an update can merge over it. */
  input?: Bag;
  createdAt: string;
  updatedAt: string;
}

interface DiscountUserError {
  __typename: "DiscountUserError";
  field: string[] | null;
  message: string;
  code: string | null;
  extraInfo: string | null;
}

type Bag = Record<string, unknown>;
const isBag = (value: unknown): value is Bag => typeof value === "object" && value !== null && !Array.isArray(value);

const MAX_CODE_LENGTH = 255;
const MAX_TITLE_LENGTH = 255;

function error(field: string[] | null, message: string, code: string | null): DiscountUserError {
  return { __typename: "DiscountUserError", field, message, code, extraInfo: null };
}

// ---- storage ----------------------------------------------------------------------------------------------------

function putDiscount(ctx: ResolverContext, discount: DiscountRecord): void {
  ctx.emulator.store
    .prepare("INSERT OR REPLACE INTO discounts (shop_id, id, code, data) VALUES (?, ?, ?, ?)")
    .run(ctx.shop.id, discount.id, discount.code?.toLowerCase() ?? null, JSON.stringify(discount));
}

export function listDiscounts(store: ResolverContext["emulator"]["store"], shopId: number): DiscountRecord[] {
  return (
    store.prepare("SELECT data FROM discounts WHERE shop_id = ? ORDER BY id").all(shopId) as { data: string }[]
  ).map((row) => JSON.parse(row.data) as DiscountRecord);
}

function getDiscount(ctx: ResolverContext, id: number): DiscountRecord | null {
  const row = ctx.emulator.store
    .prepare("SELECT data FROM discounts WHERE shop_id = ? AND id = ?")
    .get(ctx.shop.id, id) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as DiscountRecord) : null;
}

/** Codes match case-insensitively, as at checkout. */
export function discountByCode(
  store: ResolverContext["emulator"]["store"],
  shopId: number,
  code: string,
): DiscountRecord | null {
  const row = store
    .prepare("SELECT data FROM discounts WHERE shop_id = ? AND code = ?")
    .get(shopId, code.toLowerCase()) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as DiscountRecord) : null;
}

/** An order placed with the code counts one use (Shopify updates the count asynchronously; here at once). */
export function recordDiscountUse(store: ResolverContext["emulator"]["store"], shopId: number, code: string): void {
  const discount = discountByCode(store, shopId, code);
  if (!discount) return;
  const used = { ...discount, asyncUsageCount: discount.asyncUsageCount + 1 };
  store
    .prepare("UPDATE discounts SET data = ? WHERE shop_id = ? AND id = ?")
    .run(JSON.stringify(used), shopId, discount.id);
}

// ---- objects ----------------------------------------------------------------------------------------------------

function status(discount: DiscountRecord, now: Date): "ACTIVE" | "EXPIRED" | "SCHEDULED" {
  if (new Date(discount.startsAt) > now) return "SCHEDULED";
  if (discount.endsAt && new Date(discount.endsAt) <= now) return "EXPIRED";
  if (discount.usageLimit !== null && discount.asyncUsageCount >= discount.usageLimit) return "EXPIRED";
  return "ACTIVE";
}

function contextNode(ctx: ResolverContext, discount: DiscountRecord) {
  if (discount.segmentIds) {
    return {
      __typename: "DiscountCustomerSegments",
      segments: discount.segmentIds.map((id) => getSegment(ctx, id)).flatMap((s) => (s ? [segmentNode(s)] : [])),
    };
  }
  if (discount.customerIds) {
    return {
      __typename: "DiscountCustomers",
      customers: discount.customerIds
        .map((id) => ctx.emulator.store.getCustomer(ctx.shop.id, id))
        .flatMap((c) => (c ? [customerNode(ctx, c)] : [])),
    };
  }
  return { __typename: "DiscountBuyerSelectionAll", all: "ALL" };
}

function discountObject(ctx: ResolverContext, discount: DiscountRecord) {
  const currency = ctx.shop.currencyCode;
  const typename =
    discount.method === "code"
      ? discount.kind === "basic"
        ? "DiscountCodeBasic"
        : "DiscountCodeFreeShipping"
      : discount.kind === "basic"
        ? "DiscountAutomaticBasic"
        : "DiscountAutomaticFreeShipping";
  const value = discount.value;
  const codeNodes = discount.code
    ? [
        {
          id: discount.id,
          node: {
            __typename: "DiscountRedeemCode",
            id: toGid("DiscountRedeemCode", discount.id),
            code: discount.code,
            asyncUsageCount: discount.asyncUsageCount,
          },
        },
      ]
    : [];
  return {
    __typename: typename,
    title: discount.title,
    status: status(discount, ctx.emulator.store.now()),
    startsAt: dateTime(discount.startsAt),
    endsAt: dateTime(discount.endsAt),
    createdAt: dateTime(discount.createdAt),
    updatedAt: dateTime(discount.updatedAt),
    asyncUsageCount: discount.asyncUsageCount,
    usageCount: discount.asyncUsageCount,
    usageLimit: discount.usageLimit,
    appliesOncePerCustomer: discount.appliesOncePerCustomer,
    discountClass: discount.kind === "basic" ? "ORDER" : "SHIPPING",
    discountClasses: [discount.kind === "basic" ? "ORDER" : "SHIPPING"],
    summary: discount.title,
    shortSummary: discount.title,
    recurringCycleLimit: 0,
    tags: [],
    combinesWith: { __typename: "DiscountCombinesWith", ...discount.combinesWith },
    context: contextNode(ctx, discount),
    codes: (args: Bag) => listConnection("DiscountRedeemCodeConnection", codeNodes, args as ConnectionArgs),
    codesCount: { __typename: "Count", count: codeNodes.length, precision: "EXACT" },
    minimumRequirement: discount.minimumSubtotal
      ? {
          __typename: "DiscountMinimumSubtotal",
          greaterThanOrEqualToSubtotal: moneyV2(discount.minimumSubtotal, currency),
        }
      : null,
    customerGets: {
      __typename: "DiscountCustomerGets",
      appliesOnOneTimePurchase: true,
      appliesOnSubscription: false,
      items: { __typename: "AllDiscountItems", allItems: true },
      value:
        value && "percentage" in value
          ? { __typename: "DiscountPercentage", percentage: value.percentage }
          : value
            ? {
                __typename: "DiscountAmount",
                amount: moneyV2(value.amount, currency),
                appliesOnEachItem: value.appliesOnEachItem,
              }
            : null,
    },
    totalSales: null,
  };
}

const nodeType = (discount: DiscountRecord) =>
  discount.method === "code" ? "DiscountCodeNode" : "DiscountAutomaticNode";

function codeNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountCodeNode",
    id: toGid("DiscountCodeNode", discount.id),
    codeDiscount: discountObject(ctx, discount),
  };
}

function automaticNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountAutomaticNode",
    id: toGid("DiscountAutomaticNode", discount.id),
    automaticDiscount: discountObject(ctx, discount),
  };
}

function discountNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountNode",
    id: toGid(nodeType(discount), discount.id),
    discount: discountObject(ctx, discount),
  };
}

// ---- validation -------------------------------------------------------------------------------------------------

function decimalOf(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(number) ? number : null;
}

interface Parsed {
  record: Omit<DiscountRecord, "id" | "createdAt" | "updatedAt" | "asyncUsageCount">;
  errors: DiscountUserError[];
}

function parseInput(
  ctx: ResolverContext,
  argument: string,
  input: Bag,
  method: DiscountRecord["method"],
  kind: DiscountRecord["kind"],
  ownId: number | null = null,
): Parsed {
  const errors: DiscountUserError[] = [];
  const at = (...path: string[]) => [argument, ...path];
  const title = typeof input.title === "string" ? input.title : "";
  if (title.trim() === "") errors.push(error(at("title"), "Title can't be blank", "BLANK"));
  else if (title.length > MAX_TITLE_LENGTH)
    errors.push(error(at("title"), `Title is too long (maximum is ${MAX_TITLE_LENGTH} characters)`, "TOO_LONG"));

  let code: string | null = null;
  if (method === "code") {
    code = typeof input.code === "string" ? input.code.trim() : "";
    if (code === "") errors.push(error(at("code"), "Code can't be blank", "BLANK"));
    else if (code.length > MAX_CODE_LENGTH)
      errors.push(error(at("code"), `Code is too long (maximum is ${MAX_CODE_LENGTH} characters)`, "TOO_LONG"));
    else if (/[\r\n]/.test(code)) errors.push(error(at("code"), "Code cannot contain newline characters.", "INVALID"));
    else if ((discountByCode(ctx.emulator.store, ctx.shop.id, code)?.id ?? ownId) !== ownId)
      errors.push(error(at("code"), "Code must be unique. Please try a different code.", "TAKEN"));
  }

  const startsAt = typeof input.startsAt === "string" ? input.startsAt : ctx.emulator.store.nowIso();
  const endsAt = typeof input.endsAt === "string" ? input.endsAt : null;
  if (Number.isNaN(new Date(startsAt).getTime())) errors.push(error(at("startsAt"), "Starts at is invalid", "INVALID"));
  if (endsAt && new Date(endsAt) <= new Date(startsAt))
    errors.push(error(at("endsAt"), "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE"));

  let value: DiscountRecord["value"] = null;
  if (kind === "basic") {
    const gets = isBag(input.customerGets) ? input.customerGets : null;
    const raw = gets && isBag(gets.value) ? gets.value : null;
    if (!gets || !raw) {
      errors.push(error(at("customerGets"), "Customer gets can't be blank", "BLANK"));
    } else if (raw.percentage !== undefined && raw.percentage !== null) {
      const percentage = decimalOf(raw.percentage);
      if (percentage === null || percentage <= 0 || percentage > 1)
        errors.push(
          error(
            at("customerGets", "value", "percentage"),
            "Value must be greater than 0 and less than or equal to 1",
            "VALUE_OUTSIDE_RANGE",
          ),
        );
      else value = { percentage };
    } else if (isBag(raw.discountAmount)) {
      const amount = decimalOf(raw.discountAmount.amount);
      if (amount === null || amount <= 0)
        errors.push(
          error(
            at("customerGets", "value", "discountAmount", "amount"),
            "Value must be greater than 0",
            "GREATER_THAN",
          ),
        );
      else value = { amount: amount.toFixed(2), appliesOnEachItem: raw.discountAmount.appliesOnEachItem === true };
    } else {
      errors.push(error(at("customerGets", "value"), "Value can't be blank", "BLANK"));
    }
  }

  let minimumSubtotal: string | null = null;
  const minimum = isBag(input.minimumRequirement) ? input.minimumRequirement : null;
  if (minimum && isBag(minimum.subtotal)) {
    const subtotal = decimalOf(minimum.subtotal.greaterThanOrEqualToSubtotal);
    if (subtotal === null || subtotal < 0)
      errors.push(
        error(
          at("minimumRequirement", "subtotal", "greaterThanOrEqualToSubtotal"),
          "Minimum subtotal must be greater than or equal to 0",
          "GREATER_THAN_OR_EQUAL_TO",
        ),
      );
    else minimumSubtotal = subtotal.toFixed(2);
  }

  const usageLimit = typeof input.usageLimit === "number" ? input.usageLimit : null;
  if (usageLimit !== null && usageLimit < 1)
    errors.push(error(at("usageLimit"), "Usage limit must be greater than 0", "GREATER_THAN"));

  let segmentIds: number[] | null = null;
  let customerIds: number[] | null = null;
  if (
    input.context !== undefined &&
    input.context !== null &&
    input.customerSelection !== undefined &&
    input.customerSelection !== null
  ) {
    errors.push(error(at("context"), "Only one of context or customerSelection can be provided.", "INVALID"));
  }
  const context = isBag(input.context) ? input.context : null;
  const selection = isBag(input.customerSelection) ? input.customerSelection : null;
  const segmentAdds =
    context && isBag(context.customerSegments)
      ? context.customerSegments.add
      : selection && isBag(selection.customerSegments)
        ? selection.customerSegments.add
        : undefined;
  const customerAdds =
    context && isBag(context.customers)
      ? context.customers.add
      : selection && isBag(selection.customers)
        ? selection.customers.add
        : undefined;
  if (Array.isArray(segmentAdds)) {
    const field = context
      ? at("context", "customerSegments", "add")
      : at("customerSelection", "customerSegments", "add");
    segmentIds = [];
    for (const id of segmentAdds) {
      const gid = parseGid(String(id));
      if (!gid || gid.type !== "Segment" || !getSegment(ctx, gid.id)) {
        errors.push(error(field, "Customer segment does not exist", "INVALID"));
        break;
      }
      segmentIds.push(gid.id);
    }
  } else if (Array.isArray(customerAdds)) {
    customerIds = [];
    for (const id of customerAdds) {
      const gid = parseGid(String(id));
      if (!gid || gid.type !== "Customer" || !ctx.emulator.store.getCustomer(ctx.shop.id, gid.id)) {
        errors.push(
          error(
            context ? at("context", "customers", "add") : at("customerSelection", "customers", "add"),
            "Customer does not exist",
            "INVALID",
          ),
        );
        break;
      }
      customerIds.push(gid.id);
    }
  }

  const combines = isBag(input.combinesWith) ? input.combinesWith : {};
  return {
    errors,
    record: {
      method,
      kind,
      title,
      code,
      startsAt,
      endsAt,
      value,
      minimumSubtotal,
      usageLimit,
      appliesOncePerCustomer: input.appliesOncePerCustomer === true,
      combinesWith: {
        orderDiscounts: combines.orderDiscounts === true,
        productDiscounts: combines.productDiscounts === true,
        shippingDiscounts: combines.shippingDiscounts === true,
      },
      segmentIds,
      customerIds,
    },
  };
}

function createMutation(
  argument: string,
  payloadType: string,
  method: DiscountRecord["method"],
  kind: DiscountRecord["kind"],
): FieldResolver {
  const nodeField = method === "code" ? "codeDiscountNode" : "automaticDiscountNode";
  return (args, ctx) => {
    const input = isBag(args[argument]) ? (args[argument] as Bag) : {};
    const { record, errors } = parseInput(ctx, argument, input, method, kind);
    if (errors.length > 0) return { __typename: payloadType, [nodeField]: null, userErrors: errors };
    const now = ctx.emulator.store.nowIso();
    const discount: DiscountRecord = {
      ...record,
      input,
      id: ctx.emulator.store.nextId(),
      asyncUsageCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    putDiscount(ctx, discount);
    const node = method === "code" ? codeNode(ctx, discount) : automaticNode(ctx, discount);
    return { __typename: payloadType, [nodeField]: node, userErrors: [] };
  };
}

function deleteMutation(
  payloadType: string,
  type: "DiscountCodeNode" | "DiscountAutomaticNode",
  field: string,
): FieldResolver {
  return (args, ctx) => {
    const gid = parseGid(String(args.id));
    const discount = gid && gid.type === type ? getDiscount(ctx, gid.id) : null;
    if (!discount || nodeType(discount) !== type) {
      return {
        __typename: payloadType,
        [field]: null,
        userErrors: [error(["id"], "Discount does not exist", "INVALID")],
      };
    }
    ctx.emulator.store.prepare("DELETE FROM discounts WHERE shop_id = ? AND id = ?").run(ctx.shop.id, discount.id);
    return { __typename: payloadType, [field]: toGid(type, discount.id), userErrors: [] };
  };
}

function byNodeId(ctx: ResolverContext, id: unknown, types: string[]): DiscountRecord | null {
  const gid = parseGid(String(id));
  if (!gid) throw new GraphQLError(`Invalid global id '${String(id)}'`, { extensions: { code: "INVALID_ID" } });
  if (!types.includes(gid.type)) return null;
  const discount = getDiscount(ctx, gid.id);
  return discount && (gid.type === "DiscountNode" || nodeType(discount) === gid.type) ? discount : null;
}

/** `discountNodes(query:)` filters Cohort uses: `status:active`, `method:code|automatic`, `code:X`. */
function matchesDiscountQuery(ctx: ResolverContext, discount: DiscountRecord, query: unknown): boolean {
  if (typeof query !== "string" || query.trim() === "") return true;
  return query
    .trim()
    .split(/\s+(?:AND\s+)?/i)
    .every((term) => {
      const [key, raw = ""] = term.split(":");
      const wanted = raw.replace(/^['"]|['"]$/g, "").toLowerCase();
      switch (key?.toLowerCase()) {
        case "status":
          return status(discount, ctx.emulator.store.now()).toLowerCase() === wanted;
        case "method":
          return discount.method === wanted;
        case "code":
          return (discount.code ?? "").toLowerCase() === wanted;
        default:
          return true;
      }
    });
}

export function discountQueryResolvers(): Record<string, FieldResolver> {
  return {
    codeDiscountNode: (args, ctx) => {
      const discount = byNodeId(ctx, args.id, ["DiscountCodeNode"]);
      return discount ? codeNode(ctx, discount) : null;
    },
    codeDiscountNodeByCode: (args, ctx) => {
      const discount = discountByCode(ctx.emulator.store, ctx.shop.id, String(args.code ?? ""));
      return discount ? codeNode(ctx, discount) : null;
    },
    automaticDiscountNode: (args, ctx) => {
      const discount = byNodeId(ctx, args.id, ["DiscountAutomaticNode"]);
      return discount ? automaticNode(ctx, discount) : null;
    },
    discountNode: (args, ctx) => {
      const discount = byNodeId(ctx, args.id, ["DiscountNode", "DiscountCodeNode", "DiscountAutomaticNode"]);
      return discount ? discountNode(ctx, discount) : null;
    },
    discountNodes: (args, ctx) =>
      listConnection(
        "DiscountNodeConnection",
        listDiscounts(ctx.emulator.store, ctx.shop.id)
          .filter((discount) => matchesDiscountQuery(ctx, discount, args.query))
          .map((discount) => ({ id: discount.id, node: discountNode(ctx, discount) })),
        args as ConnectionArgs,
      ),
    discountNodesCount: (args, ctx) => ({
      __typename: "Count",
      count: listDiscounts(ctx.emulator.store, ctx.shop.id).filter((d) => matchesDiscountQuery(ctx, d, args.query))
        .length,
      precision: "EXACT",
    }),
  };
}

function updateMutation(
  argument: string,
  payloadType: string,
  type: "DiscountCodeNode" | "DiscountAutomaticNode",
): FieldResolver {
  const nodeField = type === "DiscountCodeNode" ? "codeDiscountNode" : "automaticDiscountNode";
  return (args, ctx) => {
    const gid = parseGid(String(args.id));
    const existing = gid && gid.type === type ? getDiscount(ctx, gid.id) : null;
    if (!existing || nodeType(existing) !== type)
      return {
        __typename: payloadType,
        [nodeField]: null,
        userErrors: [error(["id"], "Discount does not exist", "INVALID")],
      };
    const change = isBag(args[argument]) ? (args[argument] as Bag) : {};
    // A new buyer context replaces the old one, whichever form the old one had.
    const base = { ...(existing.input ?? {}) };
    if ("context" in change || "customerSelection" in change) {
      delete base.context;
      delete base.customerSelection;
    }
    const merged = { ...base, ...change };
    const { record, errors } = parseInput(ctx, argument, merged, existing.method, existing.kind, existing.id);
    if (errors.length > 0) return { __typename: payloadType, [nodeField]: null, userErrors: errors };
    const updated: DiscountRecord = { ...existing, ...record, input: merged, updatedAt: ctx.emulator.store.nowIso() };
    putDiscount(ctx, updated);
    const node = type === "DiscountCodeNode" ? codeNode(ctx, updated) : automaticNode(ctx, updated);
    return { __typename: payloadType, [nodeField]: node, userErrors: [] };
  };
}

/** Activate: starts now (if it had not) with no end; deactivate: ends now. */
function activation(
  payloadType: string,
  type: "DiscountCodeNode" | "DiscountAutomaticNode",
  active: boolean,
): FieldResolver {
  const nodeField = type === "DiscountCodeNode" ? "codeDiscountNode" : "automaticDiscountNode";
  return (args, ctx) => {
    const gid = parseGid(String(args.id));
    const existing = gid && gid.type === type ? getDiscount(ctx, gid.id) : null;
    if (!existing || nodeType(existing) !== type)
      return {
        __typename: payloadType,
        [nodeField]: null,
        userErrors: [error(["id"], "Discount does not exist", "INVALID")],
      };
    const now = ctx.emulator.store.nowIso();
    const updated: DiscountRecord = active
      ? {
          ...existing,
          startsAt: new Date(existing.startsAt) > new Date(now) ? now : existing.startsAt,
          endsAt: null,
          updatedAt: now,
        }
      : { ...existing, endsAt: now, updatedAt: now };
    putDiscount(ctx, updated);
    const node = type === "DiscountCodeNode" ? codeNode(ctx, updated) : automaticNode(ctx, updated);
    return { __typename: payloadType, [nodeField]: node, userErrors: [] };
  };
}

export function discountMutationResolvers(): Record<string, FieldResolver> {
  return {
    discountCodeBasicUpdate: updateMutation("basicCodeDiscount", "DiscountCodeBasicUpdatePayload", "DiscountCodeNode"),
    discountAutomaticBasicUpdate: updateMutation(
      "automaticBasicDiscount",
      "DiscountAutomaticBasicUpdatePayload",
      "DiscountAutomaticNode",
    ),
    discountCodeFreeShippingUpdate: updateMutation(
      "freeShippingCodeDiscount",
      "DiscountCodeFreeShippingUpdatePayload",
      "DiscountCodeNode",
    ),
    discountCodeActivate: activation("DiscountCodeActivatePayload", "DiscountCodeNode", true),
    discountCodeDeactivate: activation("DiscountCodeDeactivatePayload", "DiscountCodeNode", false),
    discountAutomaticActivate: activation("DiscountAutomaticActivatePayload", "DiscountAutomaticNode", true),
    discountAutomaticDeactivate: activation("DiscountAutomaticDeactivatePayload", "DiscountAutomaticNode", false),
    discountCodeBasicCreate: createMutation("basicCodeDiscount", "DiscountCodeBasicCreatePayload", "code", "basic"),
    discountAutomaticBasicCreate: createMutation(
      "automaticBasicDiscount",
      "DiscountAutomaticBasicCreatePayload",
      "automatic",
      "basic",
    ),
    discountCodeFreeShippingCreate: createMutation(
      "freeShippingCodeDiscount",
      "DiscountCodeFreeShippingCreatePayload",
      "code",
      "freeShipping",
    ),
    discountAutomaticFreeShippingCreate: createMutation(
      "freeShippingAutomaticDiscount",
      "DiscountAutomaticFreeShippingCreatePayload",
      "automatic",
      "freeShipping",
    ),
    discountCodeDelete: deleteMutation("DiscountCodeDeletePayload", "DiscountCodeNode", "deletedCodeDiscountId"),
    discountAutomaticDelete: deleteMutation(
      "DiscountAutomaticDeletePayload",
      "DiscountAutomaticNode",
      "deletedAutomaticDiscountId",
    ),
  };
}

/**
 * What a stored code discount takes off an order placed with it (control API), or "ineligible" when the buyer is
 * outside its customer segments, it is not active, or it is used up; null when the shop holds no such code.
 */
export function storedDiscountTerms(
  store: ResolverContext["emulator"]["store"],
  shopId: number,
  code: string,
  customerTags: readonly string[] | null,
  nowIso: string,
): { code: string; percentage?: number; amount?: string } | "ineligible" | null {
  const discount = discountByCode(store, shopId, code);
  if (!discount) return null;
  if (status(discount, new Date(nowIso)) !== "ACTIVE") return "ineligible";
  if (discount.segmentIds) {
    if (customerTags === null) return "ineligible";
    const segments = discount.segmentIds.map((id) => {
      const row = store.prepare("SELECT data FROM segments WHERE shop_id = ? AND id = ?").get(shopId, id) as
        { data: string } | undefined;
      return row ? (JSON.parse(row.data) as { query: string }) : null;
    });
    if (!segments.some((segment) => segment && matchesTagQuery(segment.query, customerTags) === true))
      return "ineligible";
  }
  const value = discount.value;
  if (!value) return { code: discount.code ?? code, percentage: 0 };
  if ("percentage" in value) return { code: discount.code ?? code, percentage: value.percentage * 100 };
  return { code: discount.code ?? code, amount: value.amount };
}
