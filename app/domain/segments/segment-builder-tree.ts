/**
 * The visual rule builder's model of a segment query: groups of rules joined by AND or OR, any of them negated.
 * The builder edits this; the query text is always the printed SegmentTree (fromBuilder), so the text box and the
 * builder never disagree. A group may be empty or hold one rule while the merchant edits; fromBuilder drops empty
 * groups and unwraps groups of one, which the query language has no syntax for.
 */
import { segmentField, SEGMENT_FIELDS, type SegmentField, type SegmentOperator } from "./segment-fields.js";
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type FunctionArgument,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "./segment-tree.js";

export type GroupJoin = "and" | "or";

export interface BuilderRule {
  kind: "rule";
  negated: boolean;
  condition: SegmentCondition;
}

export interface BuilderGroup {
  kind: "group";
  join: GroupJoin;
  negated: boolean;
  children: BuilderNode[];
}

export type BuilderNode = BuilderRule | BuilderGroup;

/** Where a node is: child indexes from the root group ([] is the root). */
export type BuilderPath = readonly number[];

export function emptyBuilder(): BuilderGroup {
  return { kind: "group", join: "and", negated: false, children: [] };
}

function nodeOf(tree: SegmentTree, negated: boolean): BuilderNode {
  if (tree.kind === "not") {
    // NOT NOT x keeps its second NOT as a group of one, so the builder gives back the very tree it was given.
    return negated
      ? { kind: "group", join: "and", negated, children: [nodeOf(tree, false)] }
      : nodeOf(tree.child, true);
  }
  if (tree.kind === "and" || tree.kind === "or") {
    return { kind: "group", join: tree.kind, negated, children: tree.children.map((child) => nodeOf(child, false)) };
  }
  return { kind: "rule", negated, condition: tree };
}

/** The builder of a parsed tree: the root is always a group, so rules can be added beside a lone condition. */
export function toBuilder(tree: SegmentTree | null): BuilderGroup {
  if (tree === null) return emptyBuilder();
  const node = nodeOf(tree, false);
  return node.kind === "group" ? node : { kind: "group", join: "and", negated: false, children: [node] };
}

const negate = (tree: SegmentTree): SegmentTree => ({ kind: "not", child: tree });

/** The tree the builder means; null while it holds no rule. */
export function fromBuilder(node: BuilderNode): SegmentTree | null {
  if (node.kind === "rule") return node.negated ? negate(node.condition) : node.condition;
  const children = node.children.map(fromBuilder).filter((child): child is SegmentTree => child !== null);
  if (children.length === 0) return null;
  const joined: SegmentTree = children.length === 1 ? children[0]! : { kind: node.join, children };
  return node.negated ? negate(joined) : joined;
}

// ---- edits: each returns a new root, leaving the given one as it was ----

function updateAt(
  root: BuilderGroup,
  path: BuilderPath,
  update: (node: BuilderNode) => BuilderNode | null,
): BuilderGroup {
  const visit = (node: BuilderNode, depth: number): BuilderNode | null => {
    if (depth === path.length) return update(node);
    if (node.kind !== "group") return node;
    const index = path[depth]!;
    const children: BuilderNode[] = [];
    node.children.forEach((child, at) => {
      if (at !== index) children.push(child);
      else {
        const next = visit(child, depth + 1);
        if (next !== null) children.push(next);
      }
    });
    return { ...node, children };
  };
  const next = visit(root, 0);
  return next !== null && next.kind === "group" ? next : emptyBuilder();
}

export function nodeAt(root: BuilderGroup, path: BuilderPath): BuilderNode | undefined {
  let node: BuilderNode | undefined = root;
  for (const index of path) node = node?.kind === "group" ? node.children[index] : undefined;
  return node;
}

export function replaceCondition(root: BuilderGroup, path: BuilderPath, condition: SegmentCondition): BuilderGroup {
  return updateAt(root, path, (node) => (node.kind === "rule" ? { ...node, condition } : node));
}

export function addRule(root: BuilderGroup, groupPath: BuilderPath, condition: SegmentCondition): BuilderGroup {
  return updateAt(root, groupPath, (node) =>
    node.kind === "group"
      ? { ...node, children: [...node.children, { kind: "rule", negated: false, condition }] }
      : node,
  );
}

/** A nested group holding one new rule, joined the other way than its parent (the reason to nest). */
export function addGroup(root: BuilderGroup, groupPath: BuilderPath, condition: SegmentCondition): BuilderGroup {
  return updateAt(root, groupPath, (node) =>
    node.kind === "group"
      ? {
          ...node,
          children: [
            ...node.children,
            {
              kind: "group",
              join: node.join === "and" ? "or" : "and",
              negated: false,
              children: [{ kind: "rule", negated: false, condition }],
            },
          ],
        }
      : node,
  );
}

/** Removes the node; removing the root empties the builder. */
export function removeNode(root: BuilderGroup, path: BuilderPath): BuilderGroup {
  return path.length === 0 ? emptyBuilder() : updateAt(root, path, () => null);
}

export function setNegated(root: BuilderGroup, path: BuilderPath, negated: boolean): BuilderGroup {
  return updateAt(root, path, (node) => ({ ...node, negated }));
}

export function setJoin(root: BuilderGroup, groupPath: BuilderPath, join: GroupJoin): BuilderGroup {
  return updateAt(root, groupPath, (node) => (node.kind === "group" ? { ...node, join } : node));
}

// ---- conditions: what each field takes ----

/** Fields the builder offers, Shopify's first, in catalog order. */
export function builderFields(): SegmentField[] {
  return [...SEGMENT_FIELDS].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === "shopify" ? -1 : 1));
}

export function operatorOf(condition: SegmentCondition): SegmentOperator {
  switch (condition.kind) {
    case "comparison":
      return condition.operator;
    case "between":
      return "BETWEEN";
    case "nullCheck":
      return condition.isNull ? "IS NULL" : "IS NOT NULL";
    case "contains":
      return condition.negated ? "NOT CONTAINS" : "CONTAINS";
  }
}

/** Operators the condition's field takes; for a function field compared with true/false, only = and !=. */
export function operatorsFor(condition: SegmentCondition): SegmentOperator[] {
  const field = segmentField(condition.field);
  if (field === undefined) return [operatorOf(condition)];
  if (field.function !== undefined && condition.kind === "comparison" && condition.value.type === "boolean") {
    return field.operators.filter((operator) => operator === "=" || operator === "!=");
  }
  return field.operators;
}

const DEFAULT_LIST_VALUES: Record<string, string> = {
  customer_tags: "vip",
  customer_countries: "US",
  customer_regions: "US-CA",
  customer_cities: "Toronto",
};

/** A value the field accepts, to start a rule with. */
export function defaultValue(field: SegmentField): SegmentValue {
  switch (field.valueType) {
    case "integer":
      return { type: "number", value: String(Math.max(field.range?.min ?? 0, field.name.includes("score") ? 4 : 1)) };
    case "decimal":
      return { type: "number", value: "0.5" };
    case "money":
      return { type: "number", value: "100.00" };
    case "date":
      return { type: "relativeDate", amount: 30, unit: "d" };
    case "enum":
      return { type: "string", value: field.enumValues?.[0] ?? "" };
    case "boolean":
      return { type: "boolean", value: true };
    case "string":
    case "stringList":
      return { type: "string", value: DEFAULT_LIST_VALUES[field.name] ?? "" };
  }
}

function defaultArguments(field: SegmentField): FunctionArgument[] | undefined {
  if (field.function === undefined) return undefined;
  return [{ name: "id", values: [{ type: "number", value: "1" }], list: true }];
}

/** A new rule on the field: its first operator with a value it takes. */
export function defaultCondition(fieldName: string): SegmentCondition {
  const field = segmentField(fieldName) ?? SEGMENT_FIELDS[0]!;
  const args = defaultArguments(field);
  const subject = args === undefined ? { field: field.name } : { field: field.name, arguments: args };
  if (field.operators.includes("CONTAINS")) {
    return { kind: "contains", ...subject, negated: false, value: defaultValue(field) };
  }
  const operator: ComparisonOperator = field.operators.includes(">=") ? ">=" : "=";
  return { kind: "comparison", ...subject, operator, value: defaultValue(field) };
}

function firstValue(condition: SegmentCondition, field: SegmentField): SegmentValue {
  if (condition.kind === "comparison" || condition.kind === "contains") return condition.value;
  if (condition.kind === "between") return condition.low;
  return defaultValue(field);
}

/** The rule with another operator, keeping its field, arguments and value where the new operator takes them. */
export function withOperator(condition: SegmentCondition, operator: SegmentOperator): SegmentCondition {
  const field = segmentField(condition.field);
  if (field === undefined) return condition;
  const subject =
    condition.arguments === undefined
      ? { field: condition.field }
      : { field: condition.field, arguments: condition.arguments };
  const value = firstValue(condition, field);
  if (operator === "IS NULL" || operator === "IS NOT NULL") {
    return { kind: "nullCheck", ...subject, isNull: operator === "IS NULL" };
  }
  if (operator === "CONTAINS" || operator === "NOT CONTAINS") {
    return { kind: "contains", ...subject, negated: operator === "NOT CONTAINS", value };
  }
  if (operator === "BETWEEN") {
    const high = condition.kind === "between" ? condition.high : value;
    return { kind: "between", ...subject, low: value, high };
  }
  if ((COMPARISON_OPERATORS as readonly string[]).includes(operator)) {
    return { kind: "comparison", ...subject, operator: operator as ComparisonOperator, value };
  }
  return condition;
}

/** The rule moved to another field: that field's default rule (values rarely carry over between fields). */
export function withField(condition: SegmentCondition, fieldName: string): SegmentCondition {
  return condition.field === fieldName ? condition : defaultCondition(fieldName);
}
