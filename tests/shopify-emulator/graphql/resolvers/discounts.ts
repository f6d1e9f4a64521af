/**
 * Native discounts Cohort creates: amount-off (percentage or fixed) and free shipping, as a code or automatic,
 * and automatic app discounts run by one of the app's discount Functions (`discountAutomaticAppCreate`/`Update`,
 * with their metafields, read back through the node's `metafield`/`metafields`),
 * limited to buyers by `context` (`customerSegments: {add}`, `customers: {add}`, `all`) or the deprecated
 * `customerSelection`; read back by id, by code and through `discountNodes`. Orders placed with a code
 * (control API) raise its `asyncUsageCount`. Captured: DiscountCodeNode/DiscountAutomaticNode ids, the context union
 * and "Only one of context or customerSelection can be provided."; the other userError texts are unconfirmed
 * (no capture) and follow Shopify's DiscountErrorCode names, except the Function identifier errors of app
 * discounts, which are captured (discount-app-function-validation).
 */
import { GraphQLError } from "graphql";
import type { FieldResolver, ResolverContext } from "../schema.js";
import { parseGid, toGid } from "../../store/types.js";
import { listConnection, type ConnectionArgs } from "./connection.js";
import { dateTime, moneyV2 } from "./format.js";
import { customerNode } from "./objects.js";
import { getSegment, segmentNode } from "./segments.js";
import { matchesTagQuery } from "./segment-query.js";
import { DISCOUNT_FUNCTION_APIS, appFunctions, appNumericId, resolveNamespace } from "./app-functions.js";

export type DiscountClassName = "ORDER" | "PRODUCT" | "SHIPPING";

export interface MetafieldRecord {
  id: number;
  /** Resolved: `$app:cohort` is stored as `app--<app id>--cohort`. */
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

export interface DiscountRecord {
  id: number;
  method: "code" | "automatic";
  kind: "basic" | "freeShipping" | "app";
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
  /** App discounts: the Function that runs it and the classes it was given. */
  functionId?: string;
  discountClasses?: DiscountClassName[];
  metafields?: MetafieldRecord[];
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
    discount.kind === "app"
      ? "DiscountAutomaticApp"
      : discount.method === "code"
        ? discount.kind === "basic"
          ? "DiscountCodeBasic"
          : "DiscountCodeFreeShipping"
        : discount.kind === "basic"
          ? "DiscountAutomaticBasic"
          : "DiscountAutomaticFreeShipping";
  const classes: DiscountClassName[] =
    discount.kind === "app" ? (discount.discountClasses ?? []) : [discount.kind === "basic" ? "ORDER" : "SHIPPING"];
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
    discountClass: classes[0] ?? "ORDER",
    discountClasses: classes,
    discountId: toGid(nodeType(discount), discount.id),
    appDiscountType: discount.kind === "app" ? appDiscountType(ctx, discount, classes) : null,
    appliesOnOneTimePurchase: true,
    appliesOnSubscription: false,
    errorHistory: null,
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

function appDiscountType(ctx: ResolverContext, discount: DiscountRecord, classes: DiscountClassName[]) {
  const app = ctx.emulator.config.app;
  const fn = appFunctions(app).find((candidate) => candidate.id === discount.functionId);
  return {
    __typename: "AppDiscountType",
    functionId: discount.functionId,
    title: fn?.title ?? "",
    description: null,
    appKey: app.apiKey,
    discountClass: classes[0] ?? "ORDER",
    discountClasses: classes,
    targetType: "LINE_ITEM",
    app: {
      __typename: "App",
      id: toGid("App", appNumericId(app)),
      title: app.name,
      handle: app.handle,
      apiKey: app.apiKey,
    },
  };
}

function metafieldNode(owner: DiscountRecord, metafield: MetafieldRecord) {
  const json = metafield.type === "json" || metafield.type.startsWith("list.");
  return {
    __typename: "Metafield",
    id: toGid("Metafield", metafield.id),
    legacyResourceId: String(metafield.id),
    namespace: metafield.namespace,
    key: metafield.key,
    type: metafield.type,
    value: metafield.value,
    jsonValue: json ? (JSON.parse(metafield.value) as unknown) : metafield.value,
    ownerType: "DISCOUNT",
    sizeInBytes: Buffer.byteLength(metafield.value),
    createdAt: dateTime(metafield.createdAt),
    updatedAt: dateTime(metafield.updatedAt),
    description: null,
    ownerId: owner.id,
  };
}

/** `metafield(namespace:, key:)` and `metafields(namespace:, keys:)` of a discount node; `$app` names resolve. */
function metafieldFields(ctx: ResolverContext, discount: DiscountRecord) {
  const app = ctx.emulator.config.app;
  const all = discount.metafields ?? [];
  const inNamespace = (namespace: unknown) =>
    typeof namespace === "string" ? resolveNamespace(namespace, app) : resolveNamespace("$app", app);
  return {
    metafield: (args: Bag) => {
      const namespace = inNamespace(args.namespace);
      const found = all.find((m) => m.namespace === namespace && m.key === args.key);
      return found ? metafieldNode(discount, found) : null;
    },
    metafields: (args: Bag) => {
      const namespace = typeof args.namespace === "string" ? resolveNamespace(args.namespace, app) : null;
      const keys = Array.isArray(args.keys) ? (args.keys as string[]) : null;
      const chosen = all.filter(
        (m) =>
          (namespace === null || m.namespace === namespace) &&
          (keys === null || keys.includes(`${m.namespace}.${m.key}`) || keys.includes(m.key)),
      );
      return listConnection(
        "MetafieldConnection",
        chosen.map((m) => ({ id: m.id, node: metafieldNode(discount, m) })),
        args as ConnectionArgs,
      );
    },
  };
}

const nodeType = (discount: DiscountRecord) =>
  discount.method === "code" ? "DiscountCodeNode" : "DiscountAutomaticNode";

function codeNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountCodeNode",
    id: toGid("DiscountCodeNode", discount.id),
    codeDiscount: discountObject(ctx, discount),
    ...metafieldFields(ctx, discount),
  };
}

function automaticNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountAutomaticNode",
    id: toGid("DiscountAutomaticNode", discount.id),
    automaticDiscount: discountObject(ctx, discount),
    ...metafieldFields(ctx, discount),
  };
}

function discountNode(ctx: ResolverContext, discount: DiscountRecord) {
  return {
    __typename: "DiscountNode",
    id: toGid(nodeType(discount), discount.id),
    discount: discountObject(ctx, discount),
    ...metafieldFields(ctx, discount),
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

// ---- app discounts ----------------------------------------------------------------------------------------------

const DISCOUNT_CLASSES: readonly DiscountClassName[] = ["ORDER", "PRODUCT", "SHIPPING"];
/** Shopify's limit on one metafield value (bytes; json and text types). */
const MAX_METAFIELD_BYTES = 65_536;

type MetafieldDraft = Pick<MetafieldRecord, "namespace" | "key" | "type" | "value">;

/** The Function an app discount names (captured: discount-app-function-validation), or its userError. */
function discountFunction(
  ctx: ResolverContext,
  argument: string,
  input: Bag,
): { functionId: string } | { error: DiscountUserError } {
  const given = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
  const id = given(input.functionId);
  const handle = given(input.functionHandle);
  if (id === null && handle === null)
    return { error: error([argument, "functionHandle"], "Function id can't be blank.", "MISSING_FUNCTION_IDENTIFIER") };
  if (id !== null && handle !== null)
    return {
      error: error([argument], "Only one of functionId or functionHandle is allowed.", "MULTIPLE_FUNCTION_IDENTIFIERS"),
    };
  const app = ctx.emulator.config.app;
  const released = ctx.clientId === app.apiKey ? appFunctions(app) : [];
  const found = released.find((fn) => (id !== null ? fn.id === id : fn.handle === handle));
  const field = [argument, id !== null ? "functionId" : "functionHandle"];
  if (!found)
    return {
      error: error(
        field,
        `Function ${id ?? handle} not found. Ensure that it is released in the current app (${appNumericId(app)}), and that the app is installed.`,
        "INVALID",
      ),
    };
  if (!DISCOUNT_FUNCTION_APIS.includes(found.apiType))
    return {
      error: error(
        field,
        `Unexpected Function API. The provided function must implement one of the following extension targets: [${DISCOUNT_FUNCTION_APIS.join(", ")}].`,
        null,
      ),
    };
  return { functionId: found.id };
}

function metafieldDrafts(ctx: ResolverContext, argument: string, input: Bag, errors: DiscountUserError[]) {
  const drafts: MetafieldDraft[] = [];
  const list = Array.isArray(input.metafields) ? (input.metafields as unknown[]) : [];
  list.forEach((raw, index) => {
    const at = (field: string) => [argument, "metafields", String(index), field];
    const m = isBag(raw) ? raw : {};
    const key = typeof m.key === "string" ? m.key : "";
    const type = typeof m.type === "string" ? m.type : "";
    const value = typeof m.value === "string" ? m.value : "";
    const namespace = resolveNamespace(typeof m.namespace === "string" ? m.namespace : "$app", ctx.emulator.config.app);
    if (key.trim() === "") return errors.push(error(at("key"), "Key can't be blank", "BLANK"));
    if (type.trim() === "") return errors.push(error(at("type"), "Type can't be blank", "BLANK"));
    if (value === "") return errors.push(error(at("value"), "Value can't be blank", "BLANK"));
    if (Buffer.byteLength(value) > MAX_METAFIELD_BYTES)
      return errors.push(error(at("value"), `Value is too long (maximum is ${MAX_METAFIELD_BYTES} bytes)`, "TOO_LONG"));
    if (type === "json") {
      try {
        JSON.parse(value);
      } catch {
        return errors.push(error(at("value"), "Value is invalid JSON.", "INVALID"));
      }
    }
    drafts.push({ namespace, key, type, value });
  });
  return drafts;
}

function classesOf(input: Bag): DiscountClassName[] {
  const given = Array.isArray(input.discountClasses) ? (input.discountClasses as unknown[]) : [];
  return DISCOUNT_CLASSES.filter((name) => given.includes(name));
}

/** New metafields by namespace and key replace the old value (keeping its id); the rest are added. */
function mergeMetafields(ctx: ResolverContext, existing: MetafieldRecord[], drafts: MetafieldDraft[]) {
  const now = ctx.emulator.store.nowIso();
  const merged = [...existing];
  for (const draft of drafts) {
    const index = merged.findIndex((m) => m.namespace === draft.namespace && m.key === draft.key);
    if (index >= 0) merged[index] = { ...merged[index]!, ...draft, updatedAt: now };
    else merged.push({ ...draft, id: ctx.emulator.store.nextId(), createdAt: now, updatedAt: now });
  }
  return merged;
}

function withoutMetafields(input: Bag): Bag {
  const { metafields: _metafields, ...rest } = input;
  return rest;
}

const APP_ARGUMENT = "automaticAppDiscount";

function appCreate(): FieldResolver {
  return (args, ctx) => {
    const input = isBag(args[APP_ARGUMENT]) ? (args[APP_ARGUMENT] as Bag) : {};
    const fn = discountFunction(ctx, APP_ARGUMENT, input);
    const { record, errors } = parseInput(ctx, APP_ARGUMENT, input, "automatic", "app");
    if ("error" in fn) errors.unshift(fn.error);
    const drafts = metafieldDrafts(ctx, APP_ARGUMENT, input, errors);
    if (errors.length > 0 || "error" in fn)
      return { __typename: "DiscountAutomaticAppCreatePayload", automaticAppDiscount: null, userErrors: errors };
    const now = ctx.emulator.store.nowIso();
    const discount: DiscountRecord = {
      ...record,
      input: { ...withoutMetafields(input), startsAt: record.startsAt },
      id: ctx.emulator.store.nextId(),
      functionId: fn.functionId,
      discountClasses: classesOf(input),
      metafields: [],
      asyncUsageCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    discount.metafields = mergeMetafields(ctx, [], drafts);
    putDiscount(ctx, discount);
    return {
      __typename: "DiscountAutomaticAppCreatePayload",
      automaticAppDiscount: discountObject(ctx, discount),
      userErrors: [],
    };
  };
}

/** The Function stays unless the change names another; metafields given are set, others kept. */
function appUpdate(): FieldResolver {
  return (args, ctx) => {
    const payload = (automaticAppDiscount: unknown, userErrors: DiscountUserError[]) => ({
      __typename: "DiscountAutomaticAppUpdatePayload",
      automaticAppDiscount,
      userErrors,
    });
    const gid = parseGid(String(args.id));
    const existing = gid && gid.type === "DiscountAutomaticNode" ? getDiscount(ctx, gid.id) : null;
    if (!existing || existing.kind !== "app")
      return payload(null, [error(["id"], "Discount does not exist", "INVALID")]);
    const change = isBag(args[APP_ARGUMENT]) ? (args[APP_ARGUMENT] as Bag) : {};
    const base = { ...(existing.input ?? {}) };
    for (const key of ["context", "customerSelection"]) if (key in change) delete base[key];
    const namesFunction = "functionId" in change || "functionHandle" in change;
    if (namesFunction) {
      delete base.functionId;
      delete base.functionHandle;
    }
    const merged = { ...base, ...withoutMetafields(change) };
    const { record, errors } = parseInput(ctx, APP_ARGUMENT, merged, "automatic", "app", existing.id);
    const fn = namesFunction ? discountFunction(ctx, APP_ARGUMENT, merged) : { functionId: existing.functionId! };
    if ("error" in fn) errors.unshift(fn.error);
    const drafts = metafieldDrafts(ctx, APP_ARGUMENT, change, errors);
    if (errors.length > 0 || "error" in fn) return payload(null, errors);
    const updated: DiscountRecord = {
      ...existing,
      ...record,
      input: merged,
      functionId: fn.functionId,
      discountClasses: "discountClasses" in change ? classesOf(change) : existing.discountClasses,
      metafields: mergeMetafields(ctx, existing.metafields ?? [], drafts),
      updatedAt: ctx.emulator.store.nowIso(),
    };
    putDiscount(ctx, updated);
    return payload(discountObject(ctx, updated), []);
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
    discountAutomaticAppCreate: appCreate(),
    discountAutomaticAppUpdate: appUpdate(),
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
