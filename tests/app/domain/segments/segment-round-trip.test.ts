import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSegmentQuery } from "../../../../app/domain/segments/segment-parser.js";
import { printSegmentTree } from "../../../../app/domain/segments/segment-printer.js";
import { SegmentTreeSchema } from "../../../../app/domain/segments/segment-tree.js";
import { checkSegmentTree } from "../../../../app/domain/segments/segment-tree-check.js";
import { segmentTreeArbitrary } from "./segment-tree-arbitrary.js";

describe("segment printer and parser", () => {
  it("given random valid trees, when printed and parsed, then the same tree comes back and prints the same text", () => {
    fc.assert(
      fc.property(segmentTreeArbitrary, (generated) => {
        const tree = JSON.parse(JSON.stringify(generated)) as typeof generated; // plain objects, as stored
        const text = printSegmentTree(tree);
        const parsed = parseSegmentQuery(text);
        if (!parsed.ok) throw new Error(`${text}: ${parsed.errors.map((error) => error.message).join("; ")}`);
        expect(parsed.tree).toStrictEqual(tree);
        expect(printSegmentTree(parsed.tree)).toBe(text);
        expect(SegmentTreeSchema.safeParse(tree).success).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("given text with quotes and backslashes, then they survive printing", () => {
    const tree = {
      kind: "contains" as const,
      field: "customer_tags",
      negated: false,
      value: { type: "string" as const, value: "it's a \\ tag" },
    };
    expect(printSegmentTree(tree)).toBe("customer_tags CONTAINS 'it\\'s a \\\\ tag'");
    const parsed = parseSegmentQuery(printSegmentTree(tree));
    expect(parsed.ok && parsed.tree).toStrictEqual(tree);
  });
});

describe("checkSegmentTree", () => {
  it("given stored JSON, then a valid tree passes and a tree the catalog refuses fails with the parser's error", () => {
    const valid = {
      kind: "comparison",
      field: "number_of_orders",
      operator: ">",
      value: { type: "number", value: "2" },
    };
    expect(checkSegmentTree(valid)).toEqual({ ok: true, tree: valid, query: "number_of_orders > 2" });
    const wrongType = { ...valid, value: { type: "string", value: "2" } };
    expect(checkSegmentTree(wrongType)).toMatchObject({ ok: false, errors: [{ code: "INVALID_VALUE" }] });
    expect(checkSegmentTree({ kind: "and", children: [valid] })).toMatchObject({ ok: false });
  });
});
