/**
 * Checks a tree that did not come from the parser (stored JSON, a UI builder) against the field catalog the same
 * way the parser checks text: by printing it and parsing the text. Valid exactly when it round-trips.
 */
import { parseSegmentQuery } from "./segment-parser.js";
import { printSegmentTree } from "./segment-printer.js";
import type { SegmentQueryError } from "./segment-query-error.js";
import { SegmentTreeSchema, type SegmentTree } from "./segment-tree.js";

export type SegmentTreeCheck =
  { ok: true; tree: SegmentTree; query: string } | { ok: false; errors: SegmentQueryError[]; query?: string };

export function checkSegmentTree(input: unknown): SegmentTreeCheck {
  const shape = SegmentTreeSchema.safeParse(input);
  if (!shape.success) {
    return {
      ok: false,
      errors: [
        {
          code: "INVALID_VALUE",
          message: `Not a segment tree: ${shape.error.issues[0]?.message ?? "invalid"}`,
          position: { offset: 0, line: 1, column: 0 },
          hint: "store trees made by the parser or checked by SegmentTreeSchema",
        },
      ],
    };
  }
  const query = printSegmentTree(shape.data);
  const parsed = parseSegmentQuery(query);
  return parsed.ok ? { ok: true, tree: parsed.tree, query } : { ok: false, errors: parsed.errors, query };
}
