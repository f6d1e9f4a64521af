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
 * and the value is decimal text. A value as fine as the expression is scaled to its units; a finer one is rounded
 * the way the operator needs (an integer is ≥ 2.5 exactly when ≥ 3), so nothing is multiplied and nothing overflows.
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
  const inUnits: ExactDecimal = { units: decimal.units, scale: decimal.scale - expressionScale };
  const floor = floorOf(inUnits);
  const ceil = ceilOf(inUnits);
  switch (operator) {
    case ">=":
      return `${expression} >= ${bind(ceil)}`;
    case ">":
      return `${expression} > ${bind(floor)}`;
    case "<":
      return `${expression} < ${bind(ceil)}`;
    case "<=":
      return `${expression} <= ${bind(floor)}`;
    case "=":
      // Never equal; the expression stays in the text because its own placeholders are already bound.
      return isWhole(inUnits) ? `${expression} = ${bind(floor)}` : and([`${expression} IS NULL`, SQL_FALSE]);
    case "!=":
      return isWhole(inUnits) ? `${expression} <> ${bind(floor)}` : `${expression} IS NOT NULL`;
  }
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
