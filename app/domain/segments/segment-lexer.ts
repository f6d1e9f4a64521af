/** Tokens of Shopify's segment query syntax, each with its offset in the query for error positions. */
export type TokenKind =
  | "word"
  | "number"
  | "string"
  | "relativeDate"
  | "absoluteDate"
  | "symbol"
  /** Text no token starts with (`?`, `30x`): the parser reports it as unexpected or as a bad value. */
  | "invalid"
  | "unterminatedString"
  | "end";

export interface Token {
  kind: TokenKind;
  /** The text as written (a string's without quotes and escapes). */
  text: string;
  offset: number;
  end: number;
}

const SYMBOLS = ["!=", ">=", "<=", "=", ">", "<", "(", ")", ",", ":"] as const;
const ABSOLUTE_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?/;
const RELATIVE_DATE = /^-\d+[dwmy]/;
const NUMBER = /^-?\d+(?:\.\d+)?/;
/** Shopify's named dates that start with a digit (`30_days_ago`): words, not numbers. */
const NAMED_DATE = /^\d+_(?:days|months)_ago/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*/;
const WORD_CHARACTER = /[A-Za-z0-9_.]/;
const WHITESPACE = /\s/;

function readString(query: string, start: number): Token {
  let text = "";
  let index = start + 1;
  while (index < query.length) {
    const character = query[index]!;
    if (character === "\\" && index + 1 < query.length) {
      text += query[index + 1];
      index += 2;
    } else if (character === "'") {
      return { kind: "string", text, offset: start, end: index + 1 };
    } else {
      text += character;
      index += 1;
    }
  }
  return { kind: "unterminatedString", text, offset: start, end: query.length };
}

/** The end of a run of word characters from `index`, so `30x` is one invalid token, not `30` then `x`. */
function wordEnd(query: string, index: number): number {
  let end = index;
  while (end < query.length && WORD_CHARACTER.test(query[end]!)) end += 1;
  return end;
}

function readLiteral(query: string, start: number, pattern: RegExp, kind: TokenKind): Token | null {
  const match = pattern.exec(query.slice(start));
  if (!match) return null;
  const end = start + match[0].length;
  if (end < query.length && WORD_CHARACTER.test(query[end]!) && !(kind === "number" && query[end] === ".")) {
    const badEnd = wordEnd(query, end);
    return { kind: "invalid", text: query.slice(start, badEnd), offset: start, end: badEnd };
  }
  return { kind, text: match[0], offset: start, end };
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const character = query[index]!;
    if (WHITESPACE.test(character)) {
      index += 1;
      continue;
    }
    let token: Token | null = null;
    if (character === "'") {
      token = readString(query, index);
    } else if (/[0-9-]/.test(character)) {
      token =
        readLiteral(query, index, NAMED_DATE, "word") ??
        readLiteral(query, index, ABSOLUTE_DATE, "absoluteDate") ??
        readLiteral(query, index, RELATIVE_DATE, "relativeDate") ??
        readLiteral(query, index, NUMBER, "number");
    } else if (WORD.test(character)) {
      const end = wordEnd(query, index);
      token = { kind: "word", text: query.slice(index, end), offset: index, end };
    }
    if (token === null) {
      const symbol = SYMBOLS.find((candidate) => query.startsWith(candidate, index));
      token =
        symbol === undefined
          ? {
              kind: "invalid",
              text: invalidRun(query, index),
              offset: index,
              end: index + invalidRun(query, index).length,
            }
          : { kind: "symbol", text: symbol, offset: index, end: index + symbol.length };
    }
    tokens.push(token);
    if (token.kind === "unterminatedString") break;
    index = token.end;
  }
  tokens.push({ kind: "end", text: "", offset: query.length, end: query.length });
  return tokens;
}

/** Characters up to the next space or bracket: `???` is reported whole. */
function invalidRun(query: string, start: number): string {
  let end = start + 1;
  while (end < query.length && !WHITESPACE.test(query[end]!) && !"()'".includes(query[end]!)) end += 1;
  return query.slice(start, end);
}
