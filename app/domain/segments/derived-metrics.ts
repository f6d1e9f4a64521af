/**
 * Cohort's derived segment fields, defined over one customer's metrics (the SQL computes the same):
 *
 * - is_repeat_customer: netOrderCount ≥ 2 (two or more orders not cancelled); a first-time buyer has exactly 1;
 * - discount_code_order_share: discountCodeUseCount / netOrderCount, null when netOrderCount = 0.
 *   discountCodeUseCount counts, per net order, its distinct codes, so this is the share of net orders that used a
 *   code whenever orders carry at most one code (stacked codes count each);
 * - refund_rate: refundedAmount / grossSpend (money units), null when grossSpend = 0;
 * - days_since_first_order / days_since_last_order: whole calendar days, in the shop's zone, from the order's
 *   shop-local date to today's; null without orders.
 *
 * Ratios are kept as fractions and compared exactly (exact-decimal.ts).
 */
import { parseMoney } from "../money.js";
import type { CustomerMetricsFacts } from "../sync/metrics.js";
import { daysBetween, shopLocalDate } from "./segment-dates.js";

export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

export function isRepeatCustomer(metrics: Pick<CustomerMetricsFacts, "netOrderCount">): boolean {
  return metrics.netOrderCount >= 2;
}

export function discountCodeOrderShare(
  metrics: Pick<CustomerMetricsFacts, "discountCodeUseCount" | "netOrderCount">,
): Fraction | null {
  if (metrics.netOrderCount === 0) return null;
  return { numerator: BigInt(metrics.discountCodeUseCount), denominator: BigInt(metrics.netOrderCount) };
}

export function refundRate(metrics: Pick<CustomerMetricsFacts, "refundedAmount" | "grossSpend">): Fraction | null {
  const gross = parseMoney(metrics.grossSpend);
  if (gross <= 0n) return null;
  return { numerator: parseMoney(metrics.refundedAmount), denominator: gross };
}

export function daysSince(instant: string | null, now: Date, timeZone: string): number | null {
  if (instant === null) return null;
  return daysBetween(shopLocalDate(instant, timeZone), shopLocalDate(now, timeZone));
}
