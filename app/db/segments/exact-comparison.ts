import type { ComparisonOperator } from "../../domain/segments/segment-tree.js";
import { SegmentSqlError } from "./segment-sql-error.js";

/** A decimal as written: value = units / 10^scale, every digit kept. */
export interface ExactDecimal {
  units: bigint;
  scale: number;
}

export function exactDecimal(text: string): ExactDecimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new SegmentSqlError(`Not a number: ${JSON.stringify(text)}`);
  const fraction = match[3] ?? "";
  const units = BigInt(match[2]! + fraction);
  return { units: match[1] === "-" ? -units : units, scale: fraction.length };
}

export function floorOf(value: ExactDecimal): bigint {
  const divisor = 10n ** BigInt(value.scale);
  const quotient = value.units / divisor;
  return value.units < 0n && quotient * divisor !== value.units ? quotient - 1n : quotient;
}

export function ceilOf(value: ExactDecimal): bigint {
  return -floorOf({ units: -value.units, scale: value.scale });
}

export function isWhole(value: ExactDecimal): boolean {
  return floorOf(value) === ceilOf(value);
}

export const SQL_TRUE = "(1 = 1)";
export const SQL_FALSE = "(1 = 0)";

// No simplification: a part dropped from the text would leave its bound values behind, out of step with the
// placeholders.
export function not(sql: string): string {
  return `NOT (${sql})`;
}

export function and(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(" AND ")})`;
}

export function or(parts: string[]): string {
  if (parts.length === 0) return SQL_FALSE;
  return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
}

const SQL_OPERATORS: Record<ComparisonOperator, string> = {
  "=": "=",
  "!=": "<>",
  ">": ">",
  ">=": ">=",
  "<": "<",
  "<=": "<=",
};

export function sqlOperator(operator: ComparisonOperator): string {
  return SQL_OPERATORS[operator];
}

/**
 * `expression op value` where the expression is an integer count of 10^-expressionScale (0 for counts, 4 for money)
 * and the value is decimal text: scaled to the finer of the two, so the comparison stays exact in integers.
 */
export function scaledComparison(
  expression: string,
  expressionScale: number,
  operator: ComparisonOperator,
  value: string,
  bind: (value: bigint) => string,
): string {
  const decimal = exactDecimal(value);
  if (decimal.scale <= expressionScale) {
    const units = decimal.units * 10n ** BigInt(expressionScale - decimal.scale);
    return `${expression} ${sqlOperator(operator)} ${bind(units)}`;
  }
  const factor = 10n ** BigInt(decimal.scale - expressionScale);
  return `${expression} * ${bind(factor)} ${sqlOperator(operator)} ${bind(decimal.units)}`;
}

/**
 * A comparison of an integer-valued rank (percentile, score, whole days) with a decimal, written through
 * `atLeast(n)`: the SQL for "rank ≥ n" (never NULL). Every operator reduces to it, so thresholds never need the
 * rank itself as a value.
 */
export function rankComparison(
  operator: ComparisonOperator,
  value: string,
  atLeast: (level: bigint) => string,
): string {
  const decimal = exactDecimal(value);
  const floor = floorOf(decimal);
  const ceil = ceilOf(decimal);
  switch (operator) {
    case ">=":
      return atLeast(ceil);
    case ">":
      return atLeast(floor + 1n);
    case "<":
      return not(atLeast(ceil));
    case "<=":
      return not(atLeast(floor + 1n));
    case "=":
      return isWhole(decimal) ? and([atLeast(floor), not(atLeast(floor + 1n))]) : SQL_FALSE;
    case "!=":
      return isWhole(decimal) ? not(and([atLeast(floor), not(atLeast(floor + 1n))])) : SQL_TRUE;
  }
}
