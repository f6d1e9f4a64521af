import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addGroup,
  addRule,
  defaultCondition,
  fromBuilder,
  nodeAt,
  operatorOf,
  operatorsFor,
  removeNode,
  replaceCondition,
  setJoin,
  setNegated,
  toBuilder,
  withOperator,
  type BuilderGroup,
  type BuilderNode,
  type BuilderPath,
} from "../../../../app/domain/segments/segment-builder-tree.js";
import { SEGMENT_FIELDS } from "../../../../app/domain/segments/segment-fields.js";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { printSegmentTree } from "../../../../app/domain/segments/segment-printer.js";
import type { SegmentTree } from "../../../../app/domain/segments/segment-tree.js";
import { conditionArbitrary, segmentTreeArbitrary } from "./segment-tree-arbitrary.js";

function parsed(text: string): SegmentTree {
  const result = parseSegmentQuery(text);
  if (!result.ok) throw new Error(result.errors[0]!.message);
  return result.tree;
}

function paths(node: BuilderNode, at: number[] = []): number[][] {
  return node.kind === "rule" ? [at] : [at, ...node.children.flatMap((child, index) => paths(child, [...at, index]))];
}

function groupPaths(root: BuilderGroup): number[][] {
  return paths(root).filter((path) => nodeAt(root, path)?.kind === "group");
}

type Edit = (root: BuilderGroup) => BuilderGroup;

const pick = <T>(items: T[], index: number): T => items[index % items.length]!;

/** Any edit the builder's controls make, at a node chosen by index. */
const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), conditionArbitrary).map(
    ([index, condition]): Edit =>
      (root) =>
        addRule(root, pick(groupPaths(root), index), condition),
  ),
  fc.tuple(fc.nat(), conditionArbitrary).map(
    ([index, condition]): Edit =>
      (root) =>
        addGroup(root, pick(groupPaths(root), index), condition),
  ),
  fc.nat().map(
    (index): Edit =>
      (root) =>
        removeNode(root, pick(paths(root), index)),
  ),
  fc.tuple(fc.nat(), fc.boolean()).map(
    ([index, negated]): Edit =>
      (root) =>
        setNegated(root, pick(paths(root), index), negated),
  ),
  fc.tuple(fc.nat(), fc.constantFrom("and" as const, "or" as const)).map(
    ([index, join]): Edit =>
      (root) =>
        setJoin(root, pick(groupPaths(root), index), join),
  ),
  fc.tuple(fc.nat(), conditionArbitrary).map(([index, condition]): Edit => (root) => {
    const rules = paths(root).filter((path) => nodeAt(root, path)?.kind === "rule");
    return rules.length === 0 ? root : replaceCondition(root, pick(rules, index), condition);
  }),
);

describe("the segment builder's tree", () => {
  it("gives back the very tree it was made from", () => {
    fc.assert(
      fc.property(segmentTreeArbitrary, (tree) => {
        expect(fromBuilder(toBuilder(tree))).toEqual(tree);
      }),
    );
  });

  it("after any edits, the printed text parses back to the builder's tree, and the builder of that tree means it too", () => {
    fc.assert(
      fc.property(
        fc.option(segmentTreeArbitrary, { nil: null }),
        fc.array(editArbitrary, { maxLength: 8 }),
        (start, edits) => {
          const edited = edits.reduce((root, edit) => edit(root), toBuilder(start));
          const tree = fromBuilder(edited);
          if (tree === null) return;
          expect(parsed(printSegmentTree(tree))).toEqual(tree);
          expect(fromBuilder(toBuilder(tree))).toEqual(tree);
        },
      ),
    );
  });

  it("adds a rule beside a lone condition, joined with AND", () => {
    const root = addRule(toBuilder(parsed("number_of_orders >= 3")), [], defaultCondition("amount_spent"));
    expect(printSegmentTree(fromBuilder(root)!)).toBe("number_of_orders >= 3 AND amount_spent >= 100.00");
  });

  it("nests an OR group inside an AND and negates it", () => {
    let root = toBuilder(parsed("number_of_orders >= 3"));
    root = addGroup(root, [], defaultCondition("customer_tags"));
    root = addRule(root, [1], defaultCondition("customer_countries"));
    root = setNegated(root, [1], true);
    expect(printSegmentTree(fromBuilder(root)!)).toBe(
      "number_of_orders >= 3 AND NOT (customer_tags CONTAINS 'vip' OR customer_countries CONTAINS 'US')",
    );
  });

  it("drops an emptied group and unwraps a group of one", () => {
    let root = toBuilder(parsed("number_of_orders = 1 AND (amount_spent > 5 OR amount_spent < 1)"));
    root = removeNode(root, [1, 0]);
    expect(printSegmentTree(fromBuilder(root)!)).toBe("number_of_orders = 1 AND amount_spent < 1");
    root = removeNode(root, [1, 0]);
    expect(fromBuilder(root)).toEqual(parsed("number_of_orders = 1"));
    expect(fromBuilder(removeNode(root, []))).toBeNull();
  });

  it("keeps a double NOT", () => {
    const tree = parsed("NOT NOT number_of_orders = 1");
    expect(fromBuilder(toBuilder(tree))).toEqual(tree);
  });

  it("offers each field's default rule, valid for the parser, and only the operators the field takes", () => {
    for (const field of SEGMENT_FIELDS) {
      const condition = defaultCondition(field.name);
      expect(parsed(printSegmentTree(condition)), field.name).toEqual(condition);
      for (const operator of operatorsFor(condition)) {
        expect(field.operators).toContain(operator);
        const changed = withOperator(condition, operator);
        expect(operatorOf(changed)).toBe(operator);
        expect(parsed(printSegmentTree(changed)), `${field.name} ${operator}`).toEqual(changed);
      }
    }
  });

  it("leaves the given builder as it was", () => {
    const root = toBuilder(parsed("number_of_orders = 1 AND amount_spent > 5"));
    const copy = structuredClone(root);
    const edits: [string, (r: BuilderGroup, p: BuilderPath) => BuilderGroup][] = [
      ["remove", removeNode],
      ["negate", (r, p) => setNegated(r, p, true)],
      ["join", (r) => setJoin(r, [], "or")],
    ];
    for (const [, edit] of edits) edit(root, [0]);
    expect(root).toEqual(copy);
  });
});
