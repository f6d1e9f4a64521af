/** fast-check arbitraries of valid segment trees: every field of the catalog with values its type accepts. */
import fc from "fast-check";
import {
  PURCHASE_MEASURES,
  SEGMENT_FIELDS,
  type SegmentField,
} from "../../../../app/domain/segments/segment-fields.js";
import {
  DATE_KEYWORDS,
  type ComparisonOperator,
  type FunctionArgument,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "../../../../app/domain/segments/segment-tree.js";

const COMPARISONS: readonly string[] = ["=", "!=", ">", ">=", "<", "<="];

function decimalText(units: number, scale: number): string {
  const digits = Math.abs(units)
    .toString()
    .padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return units < 0 ? `-${text}` : text;
}

const numberIn = (min: number, max: number, maxScale: number): fc.Arbitrary<SegmentValue> =>
  fc
    .integer({ min: 0, max: maxScale })
    .chain((scale) =>
      fc
        .integer({ min: min * 10 ** scale, max: max * 10 ** scale })
        .map((units) => ({ type: "number" as const, value: decimalText(units, scale) })),
    );

const dateValue: fc.Arbitrary<SegmentValue> = fc.oneof(
  fc.record({
    type: fc.constant("relativeDate" as const),
    amount: fc.integer({ min: 0, max: 1000 }),
    unit: fc.constantFrom("d" as const, "w" as const, "m" as const, "y" as const),
  }),
  fc.record({
    type: fc.constant("dateKeyword" as const),
    keyword: fc.constantFrom(...DATE_KEYWORDS),
  }),
  fc
    .tuple(
      fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true }),
      fc.option(fc.constantFrom("00:00", "13:45", "23:59:59", "07:05:00"), { nil: undefined }),
    )
    .map(([date, time]) => {
      const day = date.toISOString().slice(0, 10);
      return time === undefined
        ? { type: "absoluteDate" as const, date: day }
        : { type: "absoluteDate" as const, date: day, time };
    }),
);

const text = fc.string({ maxLength: 12, unit: "grapheme" });

function valueFor(field: SegmentField): fc.Arbitrary<SegmentValue> {
  switch (field.valueType) {
    case "integer":
      return numberIn(field.range?.min ?? -1000, field.range?.max ?? 100000, 0);
    case "decimal":
      return numberIn(field.range?.min ?? -10, field.range?.max ?? 10, 6);
    case "money":
      return numberIn(-100000, 100000, 4);
    case "date":
      return dateValue;
    case "enum":
      return fc.constantFrom(...(field.enumValues ?? [])).map((value) => ({ type: "string" as const, value }));
    case "boolean":
      return fc.boolean().map((value) => ({ type: "boolean" as const, value }));
    case "string":
    case "stringList":
      return text.map((value) => ({ type: "string" as const, value }));
  }
}

const idValue: fc.Arbitrary<SegmentValue> = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 40 }).map((id) => ({ type: "number" as const, value: String(id) })),
  text.map((value) => ({ type: "string" as const, value })),
);

function functionArguments(field: SegmentField): fc.Arbitrary<FunctionArgument[]> {
  const specs = field.function!.arguments;
  return fc
    .tuple(
      fc.oneof(
        idValue.map((value) => ({ values: [value], list: false })),
        fc.array(idValue, { minLength: 1, maxLength: 3 }).map((values) => ({ values, list: true })),
      ),
      fc.option(dateValue, { nil: undefined }),
      fc.option(fc.constantFrom(...PURCHASE_MEASURES), { nil: undefined }),
    )
    .map(([ids, date, measure]) => {
      const args: FunctionArgument[] = [{ name: "id", ...ids }];
      const dateSpec = specs.find((spec) => spec.valueType === "date");
      if (date !== undefined && dateSpec) args.push({ name: dateSpec.name, values: [date], list: false });
      if (measure !== undefined && specs.some((spec) => spec.valueType === "measure")) {
        args.push({ name: "measure", values: [{ type: "string", value: measure }], list: false });
      }
      return args;
    });
}

function conditionFor(field: SegmentField): fc.Arbitrary<SegmentCondition> {
  if (field.function !== undefined) {
    const results = field.function.results;
    const value: fc.Arbitrary<SegmentValue> = results.includes("count")
      ? fc.oneof(
          fc.boolean().map((flag) => ({ type: "boolean" as const, value: flag })),
          numberIn(0, 1000, 0),
        )
      : fc.boolean().map((flag) => ({ type: "boolean" as const, value: flag }));
    const operators = field.operators.filter((operator) => COMPARISONS.includes(operator)) as ComparisonOperator[];
    const comparison = fc
      .tuple(functionArguments(field), fc.constantFrom(...operators), value)
      .map(([args, operator, v]) => ({
        kind: "comparison" as const,
        field: field.name,
        arguments: args,
        operator: v.type === "boolean" ? (operator === "!=" ? ("!=" as const) : ("=" as const)) : operator,
        value: v,
      }));
    if (!field.operators.includes("BETWEEN")) return comparison;
    const between = fc
      .tuple(functionArguments(field), numberIn(0, 1000, 0), numberIn(0, 1000, 0))
      .map(([args, low, high]) => ({ kind: "between" as const, field: field.name, arguments: args, low, high }));
    return fc.oneof(comparison, between);
  }
  const options: fc.Arbitrary<SegmentCondition>[] = [];
  const comparisons = field.operators.filter((operator) => COMPARISONS.includes(operator)) as ComparisonOperator[];
  if (comparisons.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...comparisons), valueFor(field))
        .map(([operator, value]) => ({ kind: "comparison" as const, field: field.name, operator, value })),
    );
  }
  if (field.operators.includes("BETWEEN")) {
    options.push(
      fc
        .tuple(valueFor(field), valueFor(field))
        .map(([low, high]) => ({ kind: "between" as const, field: field.name, low, high })),
    );
  }
  if (field.operators.includes("IS NULL")) {
    options.push(fc.boolean().map((isNull) => ({ kind: "nullCheck" as const, field: field.name, isNull })));
  }
  if (field.operators.includes("CONTAINS")) {
    options.push(
      fc
        .tuple(fc.boolean(), valueFor(field))
        .map(([negated, value]) => ({ kind: "contains" as const, field: field.name, negated, value })),
    );
  }
  return fc.oneof(...options);
}

export const conditionArbitrary: fc.Arbitrary<SegmentCondition> = fc.oneof(...SEGMENT_FIELDS.map(conditionFor));

/** Small nested and/or/not trees over the given conditions. */
export function treeArbitraryOf(conditions: fc.Arbitrary<SegmentCondition>): fc.Arbitrary<SegmentTree> {
  return fc.letrec<{ tree: SegmentTree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      conditions,
      fc.array(tie("tree"), { minLength: 2, maxLength: 3 }).map((children) => ({ kind: "and" as const, children })),
      fc.array(tie("tree"), { minLength: 2, maxLength: 3 }).map((children) => ({ kind: "or" as const, children })),
      tie("tree").map((child) => ({ kind: "not" as const, child })),
    ),
  })).tree;
}

export const segmentTreeArbitrary: fc.Arbitrary<SegmentTree> = treeArbitraryOf(conditionArbitrary);
