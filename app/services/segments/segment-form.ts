import { z } from "zod";
import { MAX_QUERY_BYTES, parseSegmentQuery } from "../../domain/segments/segment-parser.js";
import type { SegmentQueryError } from "../../domain/segments/segment-query-error.js";
import { InvalidSegmentError, SegmentNameTakenError, SegmentNotFoundError } from "./segment-catalog.js";
import { segmentEditor } from "../../locales/en/segments.js";
import type { SegmentRecord } from "./ports.js";

/** What the editor sends: the name and the query text (the builder's tree printed, or the text as typed). */
export interface SegmentFormInput {
  name: string;
  query: string;
}

/** The editor's form as posted; a failure is reported beside the field (formErrorsOf). */
export const SegmentFormSchema = z.object({
  name: z.string().trim().min(1, segmentEditor.nameRequired).max(100, segmentEditor.nameTooLong),
  query: z.string().trim().min(1, segmentEditor.queryRequired).max(MAX_QUERY_BYTES, segmentEditor.queryTooLong),
});

/** The errors shown beside the editor's fields; `query` carries the parser's positions. */
export interface SegmentFormErrors {
  name?: string;
  query?: SegmentQueryError[];
  form?: string;
}

export type SegmentFormResult = { ok: true; segment: SegmentRecord } | { ok: false; errors: SegmentFormErrors };

export interface SegmentFormDeps {
  create(shop: string, name: string, query: string): Promise<SegmentRecord>;
  get(shop: string, segmentId: string): Promise<SegmentRecord | null>;
  rename(shop: string, segmentId: string, name: string): Promise<SegmentRecord>;
  editQuery(shop: string, segmentId: string, query: string): Promise<SegmentRecord>;
}

function formErrors(error: unknown): SegmentFormErrors {
  if (error instanceof SegmentNameTakenError) return { name: `A segment named “${error.segmentName}” already exists.` };
  if (error instanceof SegmentNotFoundError) return { form: "This segment no longer exists." };
  if (error instanceof InvalidSegmentError) {
    return error.errors.length > 0 ? { query: [...error.errors] } : { name: error.message };
  }
  throw error;
}

/**
 * Saves the editor's segment: a new one is defined (and evaluated at once); a saved one is renamed and/or given its
 * new query (re-evaluated), only what changed. Name taken, a malformed rule: errors by field, nothing saved.
 */
export async function saveSegmentForm(
  deps: SegmentFormDeps,
  shop: string,
  segmentId: string | null,
  input: SegmentFormInput,
): Promise<SegmentFormResult> {
  try {
    if (segmentId === null) return { ok: true, segment: await deps.create(shop, input.name, input.query) };
    const current = await deps.get(shop, segmentId);
    if (current === null) return { ok: false, errors: { form: "This segment no longer exists." } };
    const queryChanged = input.query !== current.query;
    if (queryChanged) {
      // Checked before the rename, so a malformed rule leaves the segment entirely as it was.
      const parsed = parseSegmentQuery(input.query);
      if (!parsed.ok) return { ok: false, errors: { query: parsed.errors } };
    }
    let segment = current;
    if (input.name.trim() !== current.name) segment = await deps.rename(shop, segmentId, input.name);
    if (queryChanged) segment = await deps.editQuery(shop, segmentId, input.query);
    return { ok: true, segment };
  } catch (error) {
    return { ok: false, errors: formErrors(error) };
  }
}

/** The schema's failures by field; a query refused before parsing is reported at its start. */
export function formErrorsOf(error: z.ZodError): SegmentFormErrors {
  const errors: SegmentFormErrors = {};
  for (const issue of error.issues) {
    if (issue.path[0] === "name") errors.name ??= issue.message;
    else if (issue.path[0] === "query") {
      errors.query ??= [
        { code: "EMPTY_QUERY", message: issue.message, position: { offset: 0, line: 1, column: 0 }, hint: "" },
      ];
    } else errors.form ??= issue.message;
  }
  return errors;
}
