/**
 * Prints a SegmentTree as canonical query text: keywords upper case, one space around operators, values as the
 * parser reads them back (strings single-quoted with \' and \\ escaped), and parentheses exactly where the tree
 * needs them: an AND or OR inside an AND, an OR inside an OR, and a group under NOT. So parse(print(tree)) equals
 * the tree, and canonical text prints back unchanged.
 */
import type { FunctionArgument, SegmentCondition, SegmentTree, SegmentValue } from "./segment-tree.js";

export function printValue(value: SegmentValue): string {
  switch (value.type) {
    case "number":
      return value.value;
    case "string":
      return `'${value.value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
    case "boolean":
      return value.value ? "true" : "false";
    case "relativeDate":
      return `-${value.amount}${value.unit}`;
    case "dateKeyword":
      return value.keyword;
    case "absoluteDate":
      return value.time === undefined ? value.date : `${value.date}T${value.time}`;
    case "null":
      return "null";
  }
}

function printArgument(argument: FunctionArgument): string {
  const values = argument.values.map(printValue).join(", ");
  return `${argument.name}: ${argument.list ? `(${values})` : values}`;
}

function printSubject(condition: SegmentCondition): string {
  if (condition.arguments === undefined) return condition.field;
  return `${condition.field}(${condition.arguments.map(printArgument).join(", ")})`;
}

function printCondition(condition: SegmentCondition): string {
  const subject = printSubject(condition);
  switch (condition.kind) {
    case "comparison":
      return `${subject} ${condition.operator} ${printValue(condition.value)}`;
    case "between":
      return `${subject} BETWEEN ${printValue(condition.low)} AND ${printValue(condition.high)}`;
    case "nullCheck":
      return `${subject} ${condition.isNull ? "IS NULL" : "IS NOT NULL"}`;
    case "contains":
      return `${subject} ${condition.negated ? "NOT CONTAINS" : "CONTAINS"} ${printValue(condition.value)}`;
  }
}

function grouped(text: string): string {
  return `(${text})`;
}

export function printSegmentTree(tree: SegmentTree): string {
  switch (tree.kind) {
    case "and":
      return tree.children
        .map((child) =>
          child.kind === "and" || child.kind === "or" ? grouped(printSegmentTree(child)) : printSegmentTree(child),
        )
        .join(" AND ");
    case "or":
      return tree.children
        .map((child) => (child.kind === "or" ? grouped(printSegmentTree(child)) : printSegmentTree(child)))
        .join(" OR ");
    case "not":
      return `NOT ${tree.child.kind === "and" || tree.child.kind === "or" ? grouped(printSegmentTree(tree.child)) : printSegmentTree(tree.child)}`;
    default:
      return printCondition(tree);
  }
}
