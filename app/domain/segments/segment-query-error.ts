/**
 * Errors of a segment query. Messages follow Shopify's ("Line 1 Column 4: 'a' filter cannot be found."), so
 * `position.column` counts from 0 as Shopify's does; `line` counts from 1 and `offset` is the index in the query.
 */
export type SegmentQueryErrorCode =
  | "EMPTY_QUERY"
  | "QUERY_TOO_LONG"
  | "TOO_DEEPLY_NESTED"
  | "UNEXPECTED_TOKEN"
  | "UNEXPECTED_END"
  | "UNBALANCED_PARENTHESES"
  | "UNTERMINATED_STRING"
  | "UNKNOWN_FIELD"
  | "UNSUPPORTED_FIELD"
  | "INVALID_OPERATOR"
  | "INVALID_VALUE"
  | "INVALID_DATE"
  | "VALUE_OUT_OF_RANGE"
  | "NOT_A_FUNCTION"
  | "MISSING_ARGUMENTS"
  | "UNKNOWN_ARGUMENT"
  | "DUPLICATE_ARGUMENT";

export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export interface SegmentQueryError {
  code: SegmentQueryErrorCode;
  message: string;
  position: SourcePosition;
  /** What to do about it: "did you mean `amount_spent`?" when a name is near, otherwise the code's general advice. */
  hint: string;
}

export function positionAt(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { offset, line: before.split("\n").length, column: offset - lineStart };
}

/** The hint when the parser has nothing more specific to suggest: every error says what to do next. */
const DEFAULT_HINTS: Record<SegmentQueryErrorCode, string> = {
  EMPTY_QUERY: "add a condition such as number_of_orders > 0",
  QUERY_TOO_LONG: "split it into smaller segments",
  TOO_DEEPLY_NESTED: "remove parentheses or NOTs that are not needed",
  UNEXPECTED_TOKEN: "write conditions as field operator value, joined with AND or OR",
  UNEXPECTED_END: "finish the condition: field operator value",
  UNBALANCED_PARENTHESES: "every '(' needs a matching ')'",
  UNTERMINATED_STRING: "add a closing '",
  UNKNOWN_FIELD: "use a field such as number_of_orders, amount_spent, last_order_date or customer_tags",
  UNSUPPORTED_FIELD: "remove this condition: Cohort cannot evaluate it yet",
  INVALID_OPERATOR: "use an operator the field takes",
  INVALID_VALUE: "write numbers bare (3, 10.50), text in single quotes ('vip'), true or false",
  INVALID_DATE: "use a relative date such as -30d, -2w, -3m, -1y, today, or a date such as 2026-01-31",
  VALUE_OUT_OF_RANGE: "use a value within the field's range",
  NOT_A_FUNCTION: "remove the parentheses",
  MISSING_ARGUMENTS: "add the arguments in parentheses after the field",
  UNKNOWN_ARGUMENT: "remove the argument",
  DUPLICATE_ARGUMENT: "give each argument once",
};

export function queryError(
  text: string,
  offset: number,
  code: SegmentQueryErrorCode,
  detail: string,
  hint?: string,
): SegmentQueryError {
  const position = positionAt(text, offset);
  return {
    code,
    message: `Line ${position.line} Column ${position.column}: ${detail}`,
    position,
    hint: hint ?? DEFAULT_HINTS[code],
  };
}
