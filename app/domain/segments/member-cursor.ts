/**
 * The members table's keyset cursor as it travels in a URL: the sort key of the last member shown and its id,
 * base64url JSON. A cursor that does not decode is treated as no cursor (the first page), never as an error.
 */
import { parseMoney } from "../money.js";

export type MemberSortKey = "spend" | "orders" | "lastOrder";

export interface EncodedCursorParts {
  value: string | null;
  customerId: string;
}

export function encodeMemberCursor(cursor: EncodedCursorParts): string {
  return Buffer.from(JSON.stringify([cursor.value, cursor.customerId]), "utf8").toString("base64url");
}

export function decodeMemberCursor(encoded: string | null | undefined, sort: MemberSortKey): EncodedCursorParts | null {
  if (!encoded) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [value, customerId] = parsed as unknown[];
    if (typeof customerId !== "string" || !/^\d{1,20}$/.test(customerId)) return null;
    if (value === null) return sort === "lastOrder" ? { value, customerId } : null;
    if (typeof value !== "string") return null;
    const valid =
      sort === "lastOrder"
        ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) && !Number.isNaN(Date.parse(value))
        : /^-?\d{1,19}$/.test(value);
    if (!valid) return null;
    return { value, customerId };
  } catch {
    return null;
  }
}

/** The cursor after a member row, from the row's values as the table shows them. */
export function memberCursorAfter(
  row: { customerId: string; netSpend: string; netOrderCount: number; lastOrderAt: string | null },
  sort: MemberSortKey,
): EncodedCursorParts {
  const value =
    sort === "spend"
      ? String(parseMoney(row.netSpend))
      : sort === "orders"
        ? String(row.netOrderCount)
        : row.lastOrderAt;
  return { value, customerId: row.customerId };
}
