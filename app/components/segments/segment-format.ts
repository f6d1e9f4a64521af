import { formatMoneyAmount } from "../../domain/money-format.js";

/** How the admin pages print figures: grouped numbers, UTC days (money: app/domain/money-format.ts). */
export const formatCount = (value: number) => value.toLocaleString("en-US");

/**
 * A money amount without the shop's currency. Pages show money through useMoneyFormat (use-money-format.ts); this
 * is left for the segment's discounts card only, which is being reworked beside the discount form.
 */
export const formatAmount = (amount: string) => formatMoneyAmount(amount, null);

export const formatHundredths = (hundredths: number) => (hundredths / 100).toFixed(2);
export const formatBasisPoints = (basisPoints: number) => `${(basisPoints / 100).toFixed(1)} %`;
export const formatDay = (iso: string | null, never = "—") => (iso === null ? never : iso.slice(0, 10));
export const formatMinute = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
