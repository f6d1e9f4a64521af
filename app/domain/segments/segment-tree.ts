/**
 * The typed tree of a segment query (docs/decisions/0011-segment-language.md). The parser builds it from Shopify's
 * segment query syntax, the printer turns it back into canonical text, the reference evaluator and the SQL compiler
 * read it. It is stored as JSON, so `SegmentTreeSchema` validates what comes back from the database.
 *
 * Values keep what the merchant wrote: numbers as decimal text (money must stay exact), relative dates as amount
 * and unit (`-30d` prints back as `-30d`, and resolves against "now" only when evaluated: resolveDate).
 */
import { z } from "zod";

export const COMPARISON_OPERATORS = ["=", "!=", ">", ">=", "<", "<="] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const RELATIVE_DATE_UNITS = ["d", "w", "m", "y"] as const;
/** d: days, w: weeks (7 days), m: calendar months, y: calendar years. */
export type RelativeDateUnit = (typeof RELATIVE_DATE_UNITS)[number];

/** Shopify's named dates: `today`, `yesterday`, and `>= 30_days_ago` meaning "in the last 30 days" (= `-30d`). */
export const DATE_KEYWORDS = [
  "today",
  "yesterday",
  "7_days_ago",
  "30_days_ago",
  "90_days_ago",
  "12_months_ago",
] as const;
export type DateKeyword = (typeof DATE_KEYWORDS)[number];

/** Decimal text as written, normalised: optional "-", digits without leading zeros, optional fraction ("100.50"). */
export const DECIMAL_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?$/;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const ISO_TIME = /^\d{2}:\d{2}(:\d{2})?$/;

export const NumberValueSchema = z.object({ type: z.literal("number"), value: z.string().regex(DECIMAL_TEXT) });
export const StringValueSchema = z.object({ type: z.literal("string"), value: z.string() });
export const BooleanValueSchema = z.object({ type: z.literal("boolean"), value: z.boolean() });
/** `-30d`: `amount` units before today (shop-local midnight), see resolveDate. */
export const RelativeDateValueSchema = z.object({
  type: z.literal("relativeDate"),
  amount: z.number().int().nonnegative(),
  unit: z.enum(RELATIVE_DATE_UNITS),
});
/** `today`, `yesterday`, `30_days_ago`…: shop-local midnight of that day. */
export const DateKeywordValueSchema = z.object({ type: z.literal("dateKeyword"), keyword: z.enum(DATE_KEYWORDS) });
/** `2026-01-31` or `2026-01-31T13:45:00`: a wall-clock time in the shop's time zone (midnight without a time). */
export const AbsoluteDateValueSchema = z.object({
  type: z.literal("absoluteDate"),
  date: z.string().regex(ISO_DATE),
  time: z.string().regex(ISO_TIME).optional(),
});
export const NullValueSchema = z.object({ type: z.literal("null") });

export const SegmentValueSchema = z.discriminatedUnion("type", [
  NumberValueSchema,
  StringValueSchema,
  BooleanValueSchema,
  RelativeDateValueSchema,
  DateKeywordValueSchema,
  AbsoluteDateValueSchema,
  NullValueSchema,
]);
export type NumberValue = z.infer<typeof NumberValueSchema>;
export type StringValue = z.infer<typeof StringValueSchema>;
export type BooleanValue = z.infer<typeof BooleanValueSchema>;
export type RelativeDateValue = z.infer<typeof RelativeDateValueSchema>;
export type DateKeywordValue = z.infer<typeof DateKeywordValueSchema>;
export type AbsoluteDateValue = z.infer<typeof AbsoluteDateValueSchema>;
export type NullValue = z.infer<typeof NullValueSchema>;
export type SegmentValue = z.infer<typeof SegmentValueSchema>;
export type DateValue = RelativeDateValue | DateKeywordValue | AbsoluteDateValue;

export function isDateValue(value: SegmentValue): value is DateValue {
  return value.type === "relativeDate" || value.type === "dateKeyword" || value.type === "absoluteDate";
}

/** An argument of a function field: `id: (1, 2)` (a list) or `since: -90d` (one value). */
export const FunctionArgumentSchema = z.object({
  name: z.string().min(1),
  values: z.array(SegmentValueSchema).min(1),
  list: z.boolean(),
});
export type FunctionArgument = z.infer<typeof FunctionArgumentSchema>;

/**
 * What a condition tests: a plain field (`amount_spent`) or a function field with arguments
 * (`products_purchased(id: (1, 2), date: -30d)`); `arguments` is present exactly for function fields.
 */
const subject = {
  field: z.string().min(1),
  arguments: z.array(FunctionArgumentSchema).optional(),
};

export const ComparisonSchema = z.object({
  kind: z.literal("comparison"),
  ...subject,
  operator: z.enum(COMPARISON_OPERATORS),
  value: SegmentValueSchema,
});
/** `field BETWEEN low AND high`: inclusive on both ends, as Shopify's. */
export const BetweenSchema = z.object({
  kind: z.literal("between"),
  ...subject,
  low: SegmentValueSchema,
  high: SegmentValueSchema,
});
export const NullCheckSchema = z.object({ kind: z.literal("nullCheck"), ...subject, isNull: z.boolean() });
/** `customer_tags CONTAINS 'vip'` / `NOT CONTAINS`: membership in a list field. */
export const ContainsSchema = z.object({
  kind: z.literal("contains"),
  ...subject,
  negated: z.boolean(),
  value: SegmentValueSchema,
});

export type Comparison = z.infer<typeof ComparisonSchema>;
export type Between = z.infer<typeof BetweenSchema>;
export type NullCheck = z.infer<typeof NullCheckSchema>;
export type Contains = z.infer<typeof ContainsSchema>;
export type SegmentCondition = Comparison | Between | NullCheck | Contains;

export type SegmentTree =
  | SegmentCondition
  | { kind: "and"; children: SegmentTree[] }
  | { kind: "or"; children: SegmentTree[] }
  | { kind: "not"; child: SegmentTree };
export type AndNode = Extract<SegmentTree, { kind: "and" }>;
export type OrNode = Extract<SegmentTree, { kind: "or" }>;
export type NotNode = Extract<SegmentTree, { kind: "not" }>;

/**
 * `and`/`or` have at least two children. `a AND b AND c` is one `and` of three; `a AND (b AND c)` keeps the group
 * as a nested `and`, so the printer can give back the parentheses.
 */
export const SegmentTreeSchema: z.ZodType<SegmentTree> = z.lazy(() =>
  z.union([
    ComparisonSchema,
    BetweenSchema,
    NullCheckSchema,
    ContainsSchema,
    z.object({ kind: z.literal("and"), children: z.array(SegmentTreeSchema).min(2) }),
    z.object({ kind: z.literal("or"), children: z.array(SegmentTreeSchema).min(2) }),
    z.object({ kind: z.literal("not"), child: SegmentTreeSchema }),
  ]),
);

export function isCondition(tree: SegmentTree): tree is SegmentCondition {
  return tree.kind !== "and" && tree.kind !== "or" && tree.kind !== "not";
}

/** Every condition of the tree, depth first, left to right. */
export function conditionsOf(tree: SegmentTree): SegmentCondition[] {
  if (tree.kind === "and" || tree.kind === "or") return tree.children.flatMap(conditionsOf);
  if (tree.kind === "not") return conditionsOf(tree.child);
  return [tree];
}
