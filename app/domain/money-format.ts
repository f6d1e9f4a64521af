/**
 * How the admin shows a money amount (a decimal string, app/domain/money.ts): in the shop's currency through
 * Intl.NumberFormat (symbol and the currency's own decimals: "$1,234.50", "¥1,235", "KWD 1.235"), or as a plain
 * grouped number with two decimals while the shop's currency is not known. English formatting, as every string.
 */
const LOCALE = "en-US";

const plain = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const byCurrency = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(currencyCode: string): Intl.NumberFormat | null {
  if (!byCurrency.has(currencyCode)) {
    let format: Intl.NumberFormat | null = null;
    try {
      format = new Intl.NumberFormat(LOCALE, { style: "currency", currency: currencyCode });
    } catch {
      // Not an ISO 4217 code Intl knows (RangeError): the amount is still shown, without a symbol.
    }
    byCurrency.set(currencyCode, format);
  }
  return byCurrency.get(currencyCode) ?? null;
}

export function formatMoneyAmount(amount: string, currencyCode: string | null | undefined): string {
  const value = Number(amount);
  if (amount.trim() === "" || !Number.isFinite(value)) return amount;
  const format = currencyCode ? currencyFormat(currencyCode) : null;
  return (format ?? plain).format(value);
}
