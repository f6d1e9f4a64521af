/**
 * Shopify's customer segment query language (ShopifyQL's segment subset), checked as segmentCreate and
 * segmentUpdate check it: `customer_tags CONTAINS 'vip'`, `NOT CONTAINS`, `IS NULL`, comparisons, AND/OR/NOT and
 * parentheses. Errors carry Shopify's wording with 0-based columns (captures: "not a valid segment query ???" gives
 * "Line 1 Column 6: 'valid' is unexpected." then "Line 1 Column 4: 'a' filter cannot be found."). The grammar error
 * comes first, unknown filters after it. Matching customers against a query is done for `customer_tags` only.
 */

/** Filters Shopify's segment editor offers (a subset; unknown names get "filter cannot be found"). */
export const SEGMENT_FILTERS = new Set([
  "abandoned_checkout_date",
  "amount_spent",
  "anniversary",
  "companies",
  "created_by_app_id",
  "customer_account_status",
  "customer_added_date",
  "customer_cities",
  "customer_countries",
  "customer_email_domain",
  "customer_language",
  "customer_regions",
  "customer_tags",
  "customer_within_distance",
  "email_subscription_status",
  "first_order_date",
  "last_order_date",
  "number_of_orders",
  "orders_placed",
  "predicted_spend_tier",
  "product_subscription_status",
  "products_purchased",
  "rfm_group",
  "shopify_email",
  "sms_subscription_status",
  "store_credit_accounts",
]);

type TokenKind = "word" | "string" | "number" | "operator" | "open" | "close" | "comma" | "other";

interface Token {
  kind: TokenKind;
  text: string;
  column: number;
  line: number;
}

const COMPARISONS = new Set(["=", "!=", ">", ">=", "<", "<="]);

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < query.length) {
    const char = query[i]!;
    if (char === "\n") {
      line += 1;
      i += 1;
      lineStart = i;
      continue;
    }
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    const column = i - lineStart;
    const push = (kind: TokenKind, text: string) => {
      tokens.push({ kind, text, column, line });
      i += text.length;
    };
    const rest = query.slice(i);
    let match: RegExpExecArray | null;
    if (char === "'" || char === '"') {
      const end = query.indexOf(char, i + 1);
      push("string", end === -1 ? rest : query.slice(i, end + 1));
    } else if ((match = /^(>=|<=|!=|=|>|<)/.exec(rest))) push("operator", match[0]);
    else if ((match = /^-?\d[\w.:-]*/.exec(rest))) push("number", match[0]);
    else if ((match = /^[A-Za-z_][\w.]*/.exec(rest))) push("word", match[0]);
    else if (char === "(") push("open", char);
    else if (char === ")") push("close", char);
    else if (char === ",") push("comma", char);
    else push("other", char);
  }
  return tokens;
}

export interface SegmentQueryError {
  line: number;
  column: number;
  message: string;
}

/** Grammar errors first (at most one: parsing stops there), then every filter not found before it. */
export function validateSegmentQuery(query: string): SegmentQueryError[] {
  const tokens = tokenize(query);
  let position = 0;
  const unknownFilters: SegmentQueryError[] = [];
  let syntax: SegmentQueryError | null = null;
  const peek = () => tokens[position];
  const keyword = (token: Token | undefined, word: string) =>
    token?.kind === "word" && token.text.toUpperCase() === word;
  const unexpected = (token: Token | undefined): false => {
    syntax ??= token
      ? { line: token.line, column: token.column, message: `'${token.text}' is unexpected.` }
      : { line: 1, column: query.length, message: "Unexpected end of query." };
    return false;
  };
  const value = (): boolean => {
    const token = peek();
    if (token && (token.kind === "string" || token.kind === "number" || token.kind === "word")) {
      position += 1;
      return true;
    }
    return unexpected(token);
  };
  const condition = (): boolean => {
    const attribute = peek();
    if (attribute?.kind !== "word") return unexpected(attribute);
    position += 1;
    if (!SEGMENT_FILTERS.has(attribute.text.toLowerCase())) {
      unknownFilters.push({
        line: attribute.line,
        column: attribute.column,
        message: `'${attribute.text}' filter cannot be found.`,
      });
    }
    const operator = peek();
    if (operator?.kind === "operator" && COMPARISONS.has(operator.text)) {
      position += 1;
      return value();
    }
    if (keyword(operator, "CONTAINS")) {
      position += 1;
      return value();
    }
    if (keyword(operator, "NOT") && keyword(tokens[position + 1], "CONTAINS")) {
      position += 2;
      return value();
    }
    if (keyword(operator, "IS")) {
      position += 1;
      if (keyword(peek(), "NOT")) position += 1;
      if (keyword(peek(), "NULL")) {
        position += 1;
        return true;
      }
      return unexpected(peek());
    }
    if (keyword(operator, "BETWEEN")) {
      position += 1;
      if (!value()) return false;
      if (!keyword(peek(), "AND")) return unexpected(peek());
      position += 1;
      return value();
    }
    return unexpected(operator);
  };
  const unary = (): boolean => {
    const token = peek();
    if (keyword(token, "NOT")) {
      position += 1;
      return unary();
    }
    if (token?.kind === "open") {
      position += 1;
      if (!expression()) return false;
      if (peek()?.kind !== "close") return unexpected(peek());
      position += 1;
      return true;
    }
    return condition();
  };
  const conjunction = (): boolean => {
    if (!unary()) return false;
    while (keyword(peek(), "AND")) {
      position += 1;
      if (!unary()) return false;
    }
    return true;
  };
  const expression = (): boolean => {
    if (!conjunction()) return false;
    while (keyword(peek(), "OR")) {
      position += 1;
      if (!conjunction()) return false;
    }
    return true;
  };
  if (expression() && position < tokens.length) unexpected(peek());
  return syntax ? [syntax, ...unknownFilters] : unknownFilters;
}

export function formatSegmentQueryError(error: SegmentQueryError): string {
  return `Line ${error.line} Column ${error.column}: ${error.message}`;
}

/**
 * Whether a customer's tags satisfy a query made only of `customer_tags [NOT] CONTAINS '<tag>'` joined by AND/OR
 * (what Cohort sends); null when the query uses anything else (membership unknown here).
 */
export function matchesTagQuery(query: string, tags: readonly string[]): boolean | null {
  const folded = new Set(tags.map((tag) => tag.toLowerCase()));
  const clauses = query.split(/\s+(AND|OR)\s+/i);
  let result: boolean | null = null;
  let joiner = "AND";
  for (let index = 0; index < clauses.length; index += 1) {
    const part = clauses[index]!.trim();
    if (index % 2 === 1) {
      joiner = part.toUpperCase();
      continue;
    }
    const match = /^customer_tags\s+(NOT\s+)?CONTAINS\s+'([^']*)'$/i.exec(part);
    if (!match) return null;
    const holds = folded.has(match[2]!.toLowerCase()) !== Boolean(match[1]);
    result = result === null ? holds : joiner === "AND" ? result && holds : result || holds;
  }
  return result;
}
