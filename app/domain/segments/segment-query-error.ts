/**
 * Errors of a segment query. Messages follow Shopify's ("Line 1 Column 4: 'a' filter cannot be found."), so
 * `position.column` counts from 0 as Shopify's does; `line` counts from 1 and `offset` is the index in the query.
 */
export type SegmentQueryErrorCode =
  | "EMPTY_QUERY"
  | "QUERY_TOO_LONG"
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
  hint?: string;
}

export function positionAt(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { offset, line: before.split("\n").length, column: offset - lineStart };
}

export function queryError(
  text: string,
  offset: number,
  code: SegmentQueryErrorCode,
  detail: string,
  hint?: string,
): SegmentQueryError {
  const position = positionAt(text, offset);
  const error: SegmentQueryError = {
    code,
    message: `Line ${position.line} Column ${position.column}: ${detail}`,
    position,
  };
  if (hint !== undefined) error.hint = hint;
  return error;
}
