/**
 * Exact comparison of decimal text ("100.50", "-3", "0.333") and of fractions with decimals, with bigint: query
 * values keep every digit the merchant wrote, and ratios (refund rate, discount share) are compared by
 * cross-multiplication, never through floats, so SQL with integer arithmetic can give the same answers.
 */
import { DECIMAL_TEXT } from "./segment-tree.js";

export interface Decimal {
  /** value = units / 10^scale */
  units: bigint;
  scale: number;
}

export function parseDecimal(text: string): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`Not a decimal: ${JSON.stringify(text)}`);
  const fraction = match[3] ?? "";
  const units = BigInt(match[2]! + fraction);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

const sign = (value: bigint): number => (value < 0n ? -1 : value > 0n ? 1 : 0);

/** −1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimals(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  return sign(x.units * 10n ** BigInt(scale - x.scale) - y.units * 10n ** BigInt(scale - y.scale));
}

/** −1, 0 or 1 as numerator / denominator (denominator > 0) is less than, equal to or greater than `decimal`. */
export function compareFractionWithDecimal(numerator: bigint, denominator: bigint, decimal: string): number {
  if (denominator <= 0n) throw new Error("The denominator must be positive");
  const value = parseDecimal(decimal);
  return sign(numerator * 10n ** BigInt(value.scale) - value.units * denominator);
}
