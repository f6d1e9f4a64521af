import type { ConfiguredValue } from "./configuration.js";
import type { Decimal, DiscountValue } from "./types.js";

/**
 * The configured value as a candidate's value. A fixed amount is configured in the shop's currency and a
 * candidate's amount is in the cart's (FixedAmount.amount, schema), so it is converted with the rate Shopify gives.
 */
export function candidateValue(value: ConfiguredValue, presentmentCurrencyRate: Decimal): DiscountValue | null {
  if (value.kind === "percentage") return { percentage: { value: value.percentage } };
  const rate = Number(presentmentCurrencyRate);
  if (!Number.isFinite(rate) || rate <= 0) return null;
  return { fixedAmount: { amount: (Math.round(value.amount * rate * 100) / 100).toFixed(2) } };
}
