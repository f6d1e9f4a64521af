/**
 * Parses Shopify's segment query syntax into a SegmentTree: a hand-written recursive descent, so every error
 * carries the exact position and a hint (docs/decisions/0011-segment-language.md).
 *
 *   query      := or END
 *   or         := and ("OR" and)*
 *   and        := unary ("AND" unary)*            AND binds tighter than OR
 *   unary      := "NOT" unary | "(" or ")" | condition
 *   condition  := field ["(" argument ("," argument)* ")"] predicate
 *   argument   := name ":" (value | "(" value ("," value)* ")")
 *   predicate  := op value | "BETWEEN" value "AND" value | "IS" ["NOT"] "NULL" | ["NOT"] "CONTAINS" value
 *
 * Keywords are case-insensitive (Shopify accepts `and`, `Not`); field and argument names are not. Like Shopify,
 * a syntax error stops parsing and is listed first, followed by the field errors found before it.
 */
import { closestMatch } from "./edit-distance.js";
import { type Token, tokenize } from "./segment-lexer.js";
import { queryError, type SegmentQueryError, type SegmentQueryErrorCode } from "./segment-query-error.js";
import {
  PURCHASE_MEASURES,
  SEGMENT_FIELD_NAMES,
  segmentField,
  type SegmentField,
  type SegmentOperator,
  unsupportedShopifyField,
} from "./segment-fields.js";
import { parseIsoDate, parseIsoTime } from "./segment-dates.js";
import { compareDecimals } from "./exact-decimal.js";
import {
  DATE_KEYWORDS,
  type ComparisonOperator,
  type FunctionArgument,
  type RelativeDateUnit,
  type SegmentCondition,
  type SegmentTree,
  type SegmentValue,
} from "./segment-tree.js";

/** Queries longer than this many bytes (UTF-8) are refused before parsing. */
export const MAX_QUERY_BYTES = 10_000;
/** Deeper nesting is refused rather than risk the call stack (the parser and printer recurse per level). */
export const MAX_NESTING = 100;

export type SegmentParseResult = { ok: true; tree: SegmentTree } | { ok: false; errors: SegmentQueryError[] };

const KEYWORDS = ["AND", "OR", "NOT", "BETWEEN", "IS", "NULL", "CONTAINS", "TRUE", "FALSE", "TODAY", "YESTERDAY"];
const COMPARISONS: readonly string[] = ["=", "!=", ">", ">=", "<", "<="];
const DATE_HINT = "use a relative date such as -30d, -2w, -3m, -1y, today, or a date such as 2026-01-31";

class SyntaxFailure extends Error {
  constructor(readonly error: SegmentQueryError) {
    super(error.message);
  }
}

interface ValueAt {
  value: SegmentValue;
  token: Token;
}

function quoted(text: string): string {
  return `'${text}'`;
}

class Parser {
  private index = 0;
  private depth = 0;
  private readonly tokens: Token[];
  readonly fieldErrors: SegmentQueryError[] = [];

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === "word" && token.text.toUpperCase() === keyword;
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === "symbol" && token.text === symbol;
  }

  private fail(token: Token, code?: SegmentQueryErrorCode, detail?: string, hint?: string): never {
    if (token.kind === "end") {
      throw new SyntaxFailure(
        queryError(this.query, token.offset, code ?? "UNEXPECTED_END", detail ?? "the query ends too early.", hint),
      );
    }
    if (token.kind === "unterminatedString") {
      throw new SyntaxFailure(
        queryError(this.query, token.offset, "UNTERMINATED_STRING", "a quoted value is not closed.", "add a closing '"),
      );
    }
    throw new SyntaxFailure(
      queryError(
        this.query,
        token.offset,
        code ?? "UNEXPECTED_TOKEN",
        detail ?? `${quoted(token.text)} is unexpected.`,
        hint,
      ),
    );
  }

  private fieldError(token: Token, code: SegmentQueryErrorCode, detail: string, hint?: string): void {
    this.fieldErrors.push(queryError(this.query, token.offset, code, detail, hint));
  }

  parseQuery(): SegmentTree {
    const tree = this.parseOr();
    const trailing = this.peek();
    if (trailing.kind !== "end") {
      if (this.isSymbol(trailing, ")")) {
        this.fail(trailing, "UNBALANCED_PARENTHESES", "')' has no matching '('.", "remove it or add a '(' before");
      }
      const keyword =
        trailing.kind === "word" ? closestMatch(trailing.text.toUpperCase(), ["AND", "OR"], 1) : undefined;
      this.fail(
        trailing,
        "UNEXPECTED_TOKEN",
        undefined,
        keyword ? `did you mean \`${keyword}\`?` : "join conditions with AND or OR",
      );
    }
    return tree;
  }

  private parseOr(): SegmentTree {
    const children = [this.parseAnd()];
    while (this.isKeyword(this.peek(), "OR")) {
      this.next();
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { kind: "or", children };
  }

  private parseAnd(): SegmentTree {
    const children = [this.parseUnary()];
    while (this.isKeyword(this.peek(), "AND")) {
      this.next();
      children.push(this.parseUnary());
    }
    return children.length === 1 ? children[0]! : { kind: "and", children };
  }

  private parseUnary(): SegmentTree {
    const token = this.peek();
    this.depth += 1;
    try {
      if (this.depth > MAX_NESTING) {
        this.fail(token, "TOO_DEEPLY_NESTED", `groups and NOTs are nested more than ${MAX_NESTING} deep.`);
      }
      return this.parseUnaryAt(token);
    } finally {
      this.depth -= 1;
    }
  }

  private parseUnaryAt(token: Token): SegmentTree {
    if (this.isKeyword(token, "NOT")) {
      this.next();
      return { kind: "not", child: this.parseUnary() };
    }
    if (this.isSymbol(token, "(")) {
      this.next();
      const inner = this.parseOr();
      const closing = this.peek();
      if (!this.isSymbol(closing, ")")) {
        if (closing.kind === "end") {
          this.fail(token, "UNBALANCED_PARENTHESES", "'(' is never closed.", "add a ')' at the end of the group");
        }
        this.fail(closing);
      }
      this.next();
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): SegmentCondition {
    const nameToken = this.next();
    if (nameToken.kind !== "word" || KEYWORDS.includes(nameToken.text.toUpperCase())) {
      this.fail(
        nameToken,
        undefined,
        undefined,
        nameToken.kind === "end" ? "add a condition such as number_of_orders > 0" : undefined,
      );
    }
    const name = nameToken.text;
    const field = segmentField(name);
    if (field === undefined) {
      const unsupported = unsupportedShopifyField(name);
      if (unsupported !== undefined) {
        // The real reason; whatever follows is Shopify syntax Cohort need not understand.
        throw new SyntaxFailure(
          queryError(
            this.query,
            nameToken.offset,
            "UNSUPPORTED_FIELD",
            `${quoted(name)} filter is not supported yet: it ${unsupported}.`,
          ),
        );
      }
      const suggestion = closestMatch(name, SEGMENT_FIELD_NAMES);
      this.fieldError(
        nameToken,
        "UNKNOWN_FIELD",
        `${quoted(name)} filter cannot be found.`,
        suggestion ? `did you mean \`${suggestion}\`?` : undefined,
      );
    }

    let args: FunctionArgument[] | undefined;
    if (this.isSymbol(this.peek(), "(")) {
      const open = this.peek();
      if (field !== undefined && field.function === undefined) {
        this.fieldError(open, "NOT_A_FUNCTION", `${quoted(name)} takes no arguments.`, "remove the parentheses");
      }
      args = this.parseArguments(field);
    } else if (field?.function !== undefined) {
      this.fieldError(
        nameToken,
        "MISSING_ARGUMENTS",
        `${quoted(name)} needs arguments.`,
        `write it as ${name}(id: (…))`,
      );
    }
    if (field?.function !== undefined && args !== undefined) this.checkRequiredArguments(field, args, nameToken);

    const subject = args === undefined ? { field: name } : { field: name, arguments: args };
    const operatorToken = this.peek();
    if (this.isKeyword(operatorToken, "BETWEEN")) {
      this.next();
      this.checkOperator(field, "BETWEEN", operatorToken);
      const low = this.parseValue(field, args);
      const andToken = this.next();
      if (!this.isKeyword(andToken, "AND")) this.fail(andToken, undefined, undefined, "write BETWEEN low AND high");
      const high = this.parseValue(field, args);
      for (const bound of [low, high]) {
        if (bound.value.type === "boolean") {
          this.fieldError(
            bound.token,
            "INVALID_VALUE",
            "BETWEEN takes numbers, not true or false.",
            "use = true or = false",
          );
        }
      }
      return { kind: "between", ...subject, low: low.value, high: high.value };
    }
    if (this.isKeyword(operatorToken, "IS")) {
      this.next();
      const isNull = !this.isKeyword(this.peek(), "NOT");
      if (!isNull) this.next();
      const nullToken = this.next();
      if (!this.isKeyword(nullToken, "NULL"))
        this.fail(nullToken, undefined, undefined, "write IS NULL or IS NOT NULL");
      this.checkOperator(field, isNull ? "IS NULL" : "IS NOT NULL", operatorToken);
      return { kind: "nullCheck", ...subject, isNull };
    }
    if (
      this.isKeyword(operatorToken, "CONTAINS") ||
      (this.isKeyword(operatorToken, "NOT") && this.isKeyword(this.peek(1), "CONTAINS"))
    ) {
      const negated = this.isKeyword(operatorToken, "NOT");
      this.next();
      if (negated) this.next();
      this.checkOperator(field, negated ? "NOT CONTAINS" : "CONTAINS", operatorToken);
      const value = this.parseValue(field, args);
      return { kind: "contains", ...subject, negated, value: value.value };
    }
    if (operatorToken.kind === "symbol" && COMPARISONS.includes(operatorToken.text)) {
      this.next();
      const operator = operatorToken.text as ComparisonOperator;
      this.checkOperator(field, operator, operatorToken);
      const value = this.parseValue(field, args);
      if (value.value.type === "boolean" && operator !== "=" && operator !== "!=") {
        this.fieldError(
          operatorToken,
          "INVALID_OPERATOR",
          `${quoted(operator)} cannot compare true or false.`,
          "use = or !=",
        );
      }
      return { kind: "comparison", ...subject, operator, value: value.value };
    }
    return this.fail(
      operatorToken,
      undefined,
      undefined,
      field ? `${name} takes ${field.operators.join(", ")}` : undefined,
    );
  }

  private checkOperator(field: SegmentField | undefined, operator: SegmentOperator, token: Token): void {
    if (field === undefined || field.operators.includes(operator)) return;
    this.fieldError(
      token,
      "INVALID_OPERATOR",
      `${quoted(operator)} cannot be used with ${quoted(field.name)}.`,
      `use ${field.operators.join(", ")}`,
    );
  }

  private parseArguments(field: SegmentField | undefined): FunctionArgument[] {
    this.next();
    const args: FunctionArgument[] = [];
    const specs = field?.function?.arguments ?? [];
    for (;;) {
      const nameToken = this.next();
      if (nameToken.kind !== "word") this.fail(nameToken, undefined, undefined, "write arguments as name: value");
      const colon = this.next();
      if (!this.isSymbol(colon, ":")) this.fail(colon, undefined, undefined, `write ${nameToken.text}: value`);
      const spec = specs.find((candidate) => candidate.name === nameToken.text);
      if (field?.function !== undefined && spec === undefined) {
        const suggestion = closestMatch(
          nameToken.text,
          specs.map((candidate) => candidate.name),
        );
        this.fieldError(
          nameToken,
          "UNKNOWN_ARGUMENT",
          `${quoted(field.name)} has no argument ${quoted(nameToken.text)}.`,
          suggestion ? `did you mean \`${suggestion}\`?` : `use ${specs.map((candidate) => candidate.name).join(", ")}`,
        );
      }
      if (args.some((argument) => argument.name === nameToken.text)) {
        this.fieldError(nameToken, "DUPLICATE_ARGUMENT", `${quoted(nameToken.text)} is given twice.`);
      }
      const list = this.isSymbol(this.peek(), "(");
      const values: ValueAt[] = [];
      if (list) {
        this.next();
        values.push(this.parseRawValue());
        while (this.isSymbol(this.peek(), ",")) {
          this.next();
          values.push(this.parseRawValue());
        }
        const closing = this.next();
        if (!this.isSymbol(closing, ")")) this.fail(closing, undefined, undefined, "close the list with ')'");
      } else {
        values.push(this.parseRawValue());
      }
      if (spec?.valueType === "date") {
        for (const value of values)
          if (value.value.type === "string") value.value = quotedDate(value.value.value) ?? value.value;
      }
      if (spec !== undefined) {
        if (list && !spec.list)
          this.fieldError(values[0]!.token, "INVALID_VALUE", `${quoted(spec.name)} takes one value.`);
        for (const value of values) this.checkArgumentValue(spec.valueType, value);
      }
      args.push({ name: nameToken.text, values: values.map((value) => value.value), list });
      const separator = this.next();
      if (this.isSymbol(separator, ")")) return args;
      if (!this.isSymbol(separator, ",")) this.fail(separator, undefined, undefined, "separate arguments with ','");
    }
  }

  private checkRequiredArguments(field: SegmentField, args: FunctionArgument[], at: Token): void {
    for (const spec of field.function?.arguments ?? []) {
      if (spec.required && !args.some((argument) => argument.name === spec.name)) {
        this.fieldError(
          at,
          "MISSING_ARGUMENTS",
          `${quoted(field.name)} needs ${quoted(spec.name)}.`,
          `add ${spec.name}: (…)`,
        );
      }
    }
  }

  private checkArgumentValue(valueType: "id" | "date" | "measure", { value, token }: ValueAt): void {
    if (valueType === "id" && value.type !== "number" && value.type !== "string") {
      this.fieldError(token, "INVALID_VALUE", `${quoted(token.text)} is not an id.`, "use a number or a quoted name");
    }
    if (valueType === "date") this.checkDate(value, token);
    if (
      valueType === "measure" &&
      (value.type !== "string" || !(PURCHASE_MEASURES as readonly string[]).includes(value.value))
    ) {
      this.fieldError(
        token,
        "INVALID_VALUE",
        `${quoted(token.text)} is not a measure.`,
        `use ${PURCHASE_MEASURES.map(quoted).join(", ")}`,
      );
    }
  }

  private checkDate(value: SegmentValue, token: Token): boolean {
    if (value.type === "relativeDate" || value.type === "dateKeyword") return true;
    if (value.type === "absoluteDate") {
      if (parseIsoDate(value.date) !== null && (value.time === undefined || parseIsoTime(value.time) !== null))
        return true;
      this.fieldError(token, "INVALID_DATE", `${quoted(token.text)} is not a valid date.`, DATE_HINT);
      return false;
    }
    this.fieldError(token, "INVALID_DATE", `${quoted(token.text)} is not a date.`, DATE_HINT);
    return false;
  }

  /** A literal as written, before it is checked against a field. */
  private parseRawValue(expectsDate = false): ValueAt {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { token, value: { type: "number", value: normaliseNumber(token.text) } };
      case "string":
        return { token, value: { type: "string", value: token.text } };
      case "relativeDate":
        return {
          token,
          value: {
            type: "relativeDate",
            amount: Number(token.text.slice(1, -1)),
            unit: token.text.slice(-1) as RelativeDateUnit,
          },
        };
      case "absoluteDate": {
        const [date, time] = token.text.split("T");
        return {
          token,
          value:
            time === undefined ? { type: "absoluteDate", date: date! } : { type: "absoluteDate", date: date!, time },
        };
      }
      case "word": {
        const keyword = token.text.toUpperCase();
        if (keyword === "TRUE" || keyword === "FALSE")
          return { token, value: { type: "boolean", value: keyword === "TRUE" } };
        const dateKeyword = DATE_KEYWORDS.find((candidate) => candidate.toUpperCase() === keyword);
        if (dateKeyword !== undefined) return { token, value: { type: "dateKeyword", keyword: dateKeyword } };
        if (keyword === "NULL") return { token, value: { type: "null" } };
        return this.fail(
          token,
          "INVALID_VALUE",
          `${quoted(token.text)} is not a value.`,
          "quote text values: 'like this'",
        );
      }
      case "invalid":
        if (expectsDate) return this.fail(token, "INVALID_DATE", `${quoted(token.text)} is not a date.`, DATE_HINT);
        return this.fail(token, "INVALID_VALUE", `${quoted(token.text)} is not a value.`);
      default:
        return this.fail(token, undefined, undefined, token.kind === "end" ? "add a value" : undefined);
    }
  }

  /** The value after an operator, checked against the field's type. */
  private parseValue(field: SegmentField | undefined, args: FunctionArgument[] | undefined): ValueAt {
    const parsed = this.parseRawValue(field?.valueType === "date" && field.function === undefined);
    if (field !== undefined) parsed.value = this.checkValue(field, parsed, args);
    return parsed;
  }

  private checkValue(
    field: SegmentField,
    { value, token }: ValueAt,
    args: FunctionArgument[] | undefined,
  ): SegmentValue {
    const wrongType = (expected: string, hint?: string): SegmentValue => {
      this.fieldError(
        token,
        "INVALID_VALUE",
        `${quoted(field.name)} expects ${expected}, not ${describe(token)}.`,
        hint,
      );
      return value;
    };
    if (value.type === "null") return wrongType("a value", `use ${field.name} IS NULL`);
    if (field.function !== undefined) {
      const results = field.function.results;
      if (value.type === "boolean" && results.includes("boolean")) return value;
      const measure = args?.find((argument) => argument.name === "measure")?.values[0];
      const amount = measure?.type === "string" && measure.value === "amount";
      if (value.type === "number" && results.includes("count") && (amount || !value.value.includes("."))) {
        return this.checkRange(field, value, token);
      }
      return wrongType(results.includes("count") ? "true, false or a count" : "true or false");
    }
    switch (field.valueType) {
      case "integer":
        if (value.type !== "number" || value.value.includes(".")) return wrongType("a whole number");
        return this.checkRange(field, value, token);
      case "decimal":
      case "money":
        if (value.type !== "number") return wrongType("a number");
        if (field.valueType === "money" && (value.value.split(".")[1]?.length ?? 0) > 4) {
          return wrongType("an amount with at most 4 decimals");
        }
        return this.checkRange(field, value, token);
      case "boolean":
        return value.type === "boolean" ? value : wrongType("true or false");
      case "date":
        if (value.type === "string") {
          const date = quotedDate(value.value);
          if (date === null) return wrongType("a date", DATE_HINT);
          this.checkDate(date, token);
          return date;
        }
        if (value.type !== "absoluteDate" && value.type !== "relativeDate" && value.type !== "dateKeyword") {
          this.fieldError(token, "INVALID_DATE", `${quoted(token.text)} is not a date.`, DATE_HINT);
          return value;
        }
        this.checkDate(value, token);
        return value;
      case "enum": {
        const allowed = field.enumValues ?? [];
        if (value.type !== "string") return wrongType(`one of ${allowed.map(quoted).join(", ")}`);
        const upper = value.value.toUpperCase();
        if (allowed.includes(upper)) return { type: "string", value: upper };
        const suggestion = closestMatch(value.value, allowed);
        this.fieldError(
          token,
          "INVALID_VALUE",
          `${quoted(value.value)} is not a value of ${quoted(field.name)}.`,
          suggestion ? `did you mean \`'${suggestion}'\`?` : `use one of ${allowed.map(quoted).join(", ")}`,
        );
        return value;
      }
      case "string":
      case "stringList":
        return value.type === "string" ? value : wrongType("a quoted text", `write '${token.text}'`);
    }
  }

  private checkRange(field: SegmentField, value: SegmentValue & { type: "number" }, token: Token): SegmentValue {
    const range = field.range;
    if (
      range &&
      (compareDecimals(value.value, String(range.min)) < 0 || compareDecimals(value.value, String(range.max)) > 0)
    ) {
      this.fieldError(
        token,
        "VALUE_OUT_OF_RANGE",
        `${value.value} is out of range for ${quoted(field.name)}.`,
        `use a value from ${range.min} to ${range.max}`,
      );
    }
    return value;
  }
}

function describe(token: Token): string {
  if (token.kind === "string") return `the text '${token.text}'`;
  return quoted(token.text);
}

/** A quoted ISO date ('2026-01-31') given to a date field is that date, as Shopify reads it. */
function quotedDate(text: string): SegmentValue | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?))?$/.exec(text);
  if (!match) return null;
  return match[2] === undefined
    ? { type: "absoluteDate", date: match[1]! }
    : { type: "absoluteDate", date: match[1]!, time: match[2] };
}

function normaliseNumber(text: string): string {
  const negative = text.startsWith("-");
  const [whole, fraction] = (negative ? text.slice(1) : text).split(".");
  const digits = whole!.replace(/^0+(?=\d)/, "");
  const normal = fraction === undefined ? digits : `${digits}.${fraction}`;
  return negative && /[1-9]/.test(normal) ? `-${normal}` : normal;
}

export function parseSegmentQuery(query: string): SegmentParseResult {
  if (new TextEncoder().encode(query).length > MAX_QUERY_BYTES) {
    return {
      ok: false,
      errors: [
        queryError(
          query,
          0,
          "QUERY_TOO_LONG",
          `the query is longer than ${MAX_QUERY_BYTES} bytes.`,
          "split it into smaller segments",
        ),
      ],
    };
  }
  if (query.trim() === "") {
    return {
      ok: false,
      errors: [
        queryError(query, 0, "EMPTY_QUERY", "the query is empty.", "add a condition such as number_of_orders > 0"),
      ],
    };
  }
  const parser = new Parser(query);
  try {
    const tree = parser.parseQuery();
    return parser.fieldErrors.length === 0 ? { ok: true, tree } : { ok: false, errors: parser.fieldErrors };
  } catch (failure) {
    if (!(failure instanceof SyntaxFailure)) throw failure;
    return { ok: false, errors: [failure.error, ...parser.fieldErrors] };
  }
}
