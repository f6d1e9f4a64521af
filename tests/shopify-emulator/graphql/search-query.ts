/**
 * Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax) as the `query:` argument of
 * connections takes it: parsed into an AST, then compiled to SQL over a table aliased `t` by a per-resource
 * field table. Fields Shopify does not know for a connection are dropped and reported as warnings, as Shopify
 * does (`extensions.search[].warnings`, "Invalid search field for this query."); fields Shopify knows but the
 * local Shopify does not implement throw, so a test never silently gets unfiltered results.
 */

export type Comparator = ":" | ">" | ">=" | "<" | "<=";

export type SearchNode =
  | { kind: "and"; children: SearchNode[] }
  | { kind: "or"; children: SearchNode[] }
  | { kind: "not"; child: SearchNode }
  | { kind: "term"; field: string | null; comparator: Comparator; value: string; quoted: boolean };

export class SearchSyntaxError extends Error {}

type Token =
  | { type: "lparen" }
  | { type: "rparen" }
  | { type: "and" }
  | { type: "or" }
  | { type: "not" }
  | { type: "term"; negated: boolean; field: string | null; comparator: Comparator; value: string; quoted: boolean };

function readValue(input: string, start: number): { value: string; quoted: boolean; end: number } {
  const quote = input[start];
  if (quote === "'" || quote === '"') {
    let value = "";
    let index = start + 1;
    while (index < input.length && input[index] !== quote) {
      if (input[index] === "\\" && index + 1 < input.length) index += 1;
      value += input[index];
      index += 1;
    }
    return { value, quoted: true, end: Math.min(index + 1, input.length) };
  }
  let index = start;
  while (index < input.length && !/[\s()]/.test(input[index]!)) index += 1;
  return { value: input.slice(start, index), quoted: false, end: index };
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index]!;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    if (char === "(") {
      tokens.push({ type: "lparen" });
      index += 1;
      continue;
    }
    if (char === ")") {
      tokens.push({ type: "rparen" });
      index += 1;
      continue;
    }
    let negated = false;
    if (char === "-" && index + 1 < input.length && !/\s/.test(input[index + 1]!)) {
      negated = true;
      index += 1;
      if (input[index] === "(") {
        tokens.push({ type: "not" });
        continue;
      }
    }
    const fieldMatch = /^([A-Za-z_][A-Za-z0-9_.]*):\s*(>=|<=|>|<|=)?\s*/.exec(input.slice(index));
    if (fieldMatch) {
      index += fieldMatch[0].length;
      const { value, quoted, end } = readValue(input, index);
      index = end;
      const op = fieldMatch[2];
      const comparator: Comparator = op === undefined || op === "=" ? ":" : (op as Comparator);
      tokens.push({ type: "term", negated, field: fieldMatch[1]!.toLowerCase(), comparator, value, quoted });
      continue;
    }
    const { value, quoted, end } = readValue(input, index);
    index = end;
    if (!quoted && !negated && (value === "AND" || value === "OR" || value === "NOT")) {
      tokens.push({ type: value === "AND" ? "and" : value === "OR" ? "or" : "not" });
      continue;
    }
    if (value === "" && !quoted) continue;
    tokens.push({ type: "term", negated, field: null, comparator: ":", value, quoted });
  }
  return tokens;
}

/** Parses a query; `null` for an empty one. AND (explicit or implied by juxtaposition) binds tighter than OR. */
export function parseSearchQuery(input: string | null | undefined): SearchNode | null {
  if (input === null || input === undefined || input.trim() === "") return null;
  const tokens = tokenize(input);
  let position = 0;

  const parseOr = (): SearchNode | null => {
    const children: SearchNode[] = [];
    const first = parseAnd();
    if (first) children.push(first);
    while (tokens[position]?.type === "or") {
      position += 1;
      const next = parseAnd();
      if (next) children.push(next);
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { kind: "or", children };
  };

  const parseAnd = (): SearchNode | null => {
    const children: SearchNode[] = [];
    for (;;) {
      const token = tokens[position];
      if (!token || token.type === "or" || token.type === "rparen") break;
      if (token.type === "and") {
        position += 1;
        continue;
      }
      const unary = parseUnary();
      if (unary) children.push(unary);
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0]! : { kind: "and", children };
  };

  const parseUnary = (): SearchNode | null => {
    const token = tokens[position]!;
    position += 1;
    if (token.type === "not") {
      if (!tokens[position]) return null;
      const child = parseUnary();
      return child ? { kind: "not", child } : null;
    }
    if (token.type === "lparen") {
      const inner = parseOr();
      if (tokens[position]?.type === "rparen") position += 1;
      return inner;
    }
    if (token.type === "term") {
      const term: SearchNode = {
        kind: "term",
        field: token.field,
        comparator: token.comparator,
        value: token.value,
        quoted: token.quoted,
      };
      return token.negated ? { kind: "not", child: term } : term;
    }
    return null;
  };

  const tree = parseOr();
  while (position < tokens.length) {
    // A stray `)`: Shopify's parser is lenient; skip it and keep the rest ANDed in.
    position += 1;
    const rest = parseOr();
    if (rest) return tree ? { kind: "and", children: [tree, rest] } : rest;
  }
  return tree;
}

/**
 * Whether Shopify answers a connection with this `query:` from its search index rather than its database. The
 * captures show the two by their cursors: with no query, or only `id:` terms, `last_value` is the database's
 * (the id as a string, a timestamp as "YYYY-MM-DD HH:MM:SS.ffffff"); with any other term it is the index's (the
 * id as a number, a timestamp as epoch milliseconds at second precision).
 */
export function answeredBySearchIndex(query: unknown): boolean {
  if (typeof query !== "string") return false;
  let tree: SearchNode | null;
  try {
    tree = parseSearchQuery(query);
  } catch {
    return true;
  }
  const usesIndex = (node: SearchNode): boolean => {
    if (node.kind === "term") return node.field?.toLowerCase() !== "id";
    if (node.kind === "not") return usesIndex(node.child);
    return node.children.some(usesIndex);
  };
  return tree !== null && usesIndex(tree);
}

// ---- compilation ------------------------------------------------------------------------------------------

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export type TermCompiler = (term: Extract<SearchNode, { kind: "term" }>) => SqlFragment;

export interface SearchWarning {
  field: string;
  message: string;
  code: string;
}

export interface SearchSpec {
  /** Filters the local Shopify implements, by field name (`default` for bare terms). */
  fields: Record<string, TermCompiler>;
  /** Every filter Shopify documents for this connection (from the schema's `query` argument description). */
  shopifyFields: readonly string[];
}

export class UnsupportedSearchFieldError extends Error {
  constructor(readonly field: string) {
    super(`The local Shopify does not implement the search filter \`${field}\` yet.`);
  }
}

export interface CompiledSearch {
  where: SqlFragment | null;
  warnings: SearchWarning[];
}

export function compileSearch(tree: SearchNode | null, spec: SearchSpec): CompiledSearch {
  const warnings: SearchWarning[] = [];
  const visit = (node: SearchNode): SqlFragment | null => {
    if (node.kind === "term") {
      const field = node.field ?? "default";
      const compiler = spec.fields[field];
      if (compiler) return compiler(node);
      const known =
        spec.shopifyFields.includes(field) ||
        (field.startsWith("metafields.") && spec.shopifyFields.some((f) => f.startsWith("metafields.")));
      if (known) throw new UnsupportedSearchFieldError(field);
      warnings.push({ field, message: "Invalid search field for this query.", code: "invalid_field" });
      return null;
    }
    if (node.kind === "not") {
      const inner = visit(node.child);
      return inner ? { sql: `NOT (${inner.sql})`, params: inner.params } : null;
    }
    const parts = node.children.map(visit).filter((part): part is SqlFragment => part !== null);
    if (parts.length === 0) return null;
    const joiner = node.kind === "and" ? " AND " : " OR ";
    return { sql: parts.map((part) => `(${part.sql})`).join(joiner), params: parts.flatMap((part) => part.params) };
  };
  const where = tree ? visit(tree) : null;
  return { where, warnings };
}

// ---- building blocks for field tables ---------------------------------------------------------------------

const SQL_OPERATORS: Record<Exclude<Comparator, ":">, string> = { ">": ">", ">=": ">=", "<": "<", "<=": "<=" };

export class InvalidSearchValueError extends Error {}

/**
 * Turns a search-syntax time into the store's ISO form (`toISOString`, milliseconds) so it compares as text
 * with the indexed columns. Returns the start and the end (exclusive) of the period the value names: a bare
 * date names a whole day, a year a whole year.
 */
export function parseSearchTime(value: string, now: Date): { start: string; end: string } | null {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === "now") {
    const iso = now.toISOString();
    return { start: iso, end: iso };
  }
  if (/^\d{4}$/.test(trimmed)) {
    const year = Number(trimmed);
    return {
      start: new Date(Date.UTC(year, 0, 1)).toISOString(),
      end: new Date(Date.UTC(year + 1, 0, 1)).toISOString(),
    };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const start = new Date(`${trimmed}T00:00:00Z`);
    if (Number.isNaN(start.getTime())) return null;
    return { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const instant = new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? trimmed : `${trimmed}Z`);
    if (Number.isNaN(instant.getTime())) return null;
    return { start: instant.toISOString(), end: new Date(instant.getTime() + 1).toISOString() };
  }
  return null;
}

export function timeTerm(column: string, field: string, now: () => Date): TermCompiler {
  return (term) => {
    const period = parseSearchTime(term.value, now());
    if (!period) throw new InvalidSearchValueError(`Invalid timestamp for query filter \`${field}\`.`);
    switch (term.comparator) {
      case ":":
        return { sql: `${column} >= ? AND ${column} < ?`, params: [period.start, period.end] };
      case ">":
        return { sql: `${column} >= ?`, params: [period.end] };
      case ">=":
        return { sql: `${column} >= ?`, params: [period.start] };
      case "<":
        return { sql: `${column} < ?`, params: [period.start] };
      case "<=":
        return { sql: `${column} < ?`, params: [period.end] };
    }
  };
}

export function numberTerm(expression: string, parse: (value: string) => number | null = parseNumber): TermCompiler {
  return (term) => {
    const range = /^(.*)\.\.(.*)$/.exec(term.value);
    if (range && term.comparator === ":") {
      const low = parse(range[1]!);
      const high = parse(range[2]!);
      if (low === null || high === null) return { sql: "0", params: [] };
      return { sql: `${expression} >= ? AND ${expression} <= ?`, params: [low, high] };
    }
    const number = parse(term.value);
    if (number === null) return { sql: "0", params: [] };
    const op = term.comparator === ":" ? "=" : SQL_OPERATORS[term.comparator];
    return { sql: `${expression} ${op} ?`, params: [number] };
  };
}

function parseNumber(value: string): number | null {
  const number = Number(value);
  return value.trim() === "" || Number.isNaN(number) ? null : number;
}

/** `id:123`, `id:>123`, and GIDs (`customer_id:gid://shopify/Customer/1`). */
export function parseIdValue(value: string): number | null {
  const gid = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)$/.exec(value);
  if (gid) return Number(gid[1]);
  return /^\d+$/.test(value) ? Number(value) : null;
}

export function idTerm(expression: string): TermCompiler {
  return numberTerm(expression, parseIdValue);
}

/**
 * Case-insensitive string match: exact, or a prefix with a trailing `*`; `field:*` means "has any value".
 */
export function stringTerm(expression: string): TermCompiler {
  return (term) => {
    if (term.value === "*") return { sql: `COALESCE(${expression}, '') <> ''`, params: [] };
    if (term.value.endsWith("*") && !term.quoted) {
      return {
        sql: `lower(${expression}) LIKE ? ESCAPE '\\'`,
        params: [`${escapeLike(term.value.slice(0, -1).toLowerCase())}%`],
      };
    }
    return { sql: `lower(${expression}) = ?`, params: [term.value.toLowerCase()] };
  };
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Any of the comma-separated values is one of the record's tags (tags compare case-insensitively). */
export function tagTerm(tagsJsonPath = "$.tags", negate = false): TermCompiler {
  return (term) => {
    const tags = term.value
      .split(",")
      .map((tag) => tag.trim().toLowerCase())
      .filter((tag) => tag !== "");
    if (tags.length === 0) return { sql: negate ? "1" : "0", params: [] };
    const exists = `EXISTS (SELECT 1 FROM json_each(t.data, '${tagsJsonPath}') WHERE lower(value) IN (${tags
      .map(() => "?")
      .join(", ")}))`;
    return { sql: negate ? `NOT ${exists}` : exists, params: tags };
  };
}

/** One of a fixed set of enum values, written lower-case in queries (`financial_status:paid`). */
export function enumTerm(expression: string, mapping: (value: string) => string[] | null): TermCompiler {
  return (term) => {
    const values = term.value
      .split(",")
      .map((value) => value.trim())
      .flatMap((value) => mapping(value.toLowerCase()) ?? []);
    if (values.length === 0) return { sql: "0", params: [] };
    return { sql: `${expression} IN (${values.map(() => "?").join(", ")})`, params: values };
  };
}

export function booleanTerm(expression: string): TermCompiler {
  return (term) => {
    const value = term.value.toLowerCase();
    if (value !== "true" && value !== "false") return { sql: "0", params: [] };
    return { sql: `COALESCE(${expression}, 0) = ?`, params: [value === "true" ? 1 : 0] };
  };
}

/**
 * A bare word: matches when one of the fields has a word starting with it (Shopify's default search is a
 * case-insensitive prefix search over several fields). Quoted phrases match as a whole.
 */
export function defaultTerm(expressions: string[]): TermCompiler {
  return (term) => {
    const needle = term.value.replace(/\*$/, "").toLowerCase();
    if (needle === "") return { sql: "1", params: [] };
    const clauses: string[] = [];
    const params: unknown[] = [];
    for (const expression of expressions) {
      clauses.push(
        `lower(COALESCE(${expression}, '')) LIKE ? ESCAPE '\\'`,
        `lower(COALESCE(${expression}, '')) LIKE ? ESCAPE '\\'`,
      );
      params.push(`${escapeLike(needle)}%`, `%${escapeLike(` ${needle}`)}%`);
    }
    return { sql: clauses.join(" OR "), params };
  };
}
