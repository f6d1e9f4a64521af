/**
 * Exact decimal money. Amounts are decimal strings ("12.30"); arithmetic runs on integer units of ten-thousandths
 * (bigint), the same units the database stores, so sums never drift as floats do. Shopify amounts carry at most
 * three decimals (KWD, BHD), so four lose nothing.
 */
export const MONEY_SCALE = 4;
const UNITS_PER_WHOLE = 10n ** BigInt(MONEY_SCALE);
const AMOUNT = /^([+-])?(\d+)(?:\.(\d*))?$/;

/** Units of ten-thousandths of the currency's main unit. */
export type MoneyUnits = bigint;

export function parseMoney(amount: string): MoneyUnits {
  const match = AMOUNT.exec(amount.trim());
  if (!match) throw new Error(`Not a money amount: ${JSON.stringify(amount)}`);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > MONEY_SCALE) {
    throw new Error(`Money amount has more than ${MONEY_SCALE} decimals: ${JSON.stringify(amount)}`);
  }
  const units = BigInt(match[2]!) * UNITS_PER_WHOLE + BigInt(fraction.padEnd(MONEY_SCALE, "0"));
  return match[1] === "-" ? -units : units;
}

/** The canonical string: at least two decimals, more only when needed ("0.30", "1.234", "-5.00"). */
export function formatMoney(units: MoneyUnits): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNITS_PER_WHOLE;
  const fraction = (abs % UNITS_PER_WHOLE).toString().padStart(MONEY_SCALE, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export function sumMoney(amounts: Iterable<string>): string {
  let total = 0n;
  for (const amount of amounts) total += parseMoney(amount);
  return formatMoney(total);
}

export function addMoney(a: string, b: string): string {
  return formatMoney(parseMoney(a) + parseMoney(b));
}

export function subtractMoney(a: string, b: string): string {
  return formatMoney(parseMoney(a) - parseMoney(b));
}

/** `units / count`, truncated toward zero to whole units (as SQL integer division does on both databases). */
export function divideMoneyUnits(units: MoneyUnits, count: number): MoneyUnits {
  if (!Number.isInteger(count) || count <= 0) throw new Error(`Cannot divide money by ${count}`);
  return units / BigInt(count);
}
