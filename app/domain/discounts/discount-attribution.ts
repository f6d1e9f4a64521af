/**
 * Attribution of synced orders to the discounts Cohort created: an order counts for a discount when it carries the
 * discount's code (codes compare case-insensitively, as checkout applies them), is not cancelled and was placed once
 * the discount existed and had started (a code reused from an old campaign earns the new discount nothing of the old
 * orders); its revenue is the order's total. This is the reference the SQL in app/db/discounts/ is checked against.
 */
export interface AttributableDiscount {
  id: string;
  code: string | null;
  /** ISO instants: orders before either are not the discount's. */
  createdAt: string;
  startsAt: string;
}

export interface AttributableOrder {
  id: string;
  codes: readonly string[];
  /** Money units (app/domain/money.ts). */
  totalPrice: bigint;
  cancelled: boolean;
  /** ISO instant. */
  createdAt: string;
}

export interface DiscountAttribution {
  discountId: string;
  redemptions: number;
  revenue: bigint;
}

export function attributeOrders(
  discounts: readonly AttributableDiscount[],
  orders: readonly AttributableOrder[],
): DiscountAttribution[] {
  return discounts.map((discount) => {
    const code = discount.code?.toLowerCase() ?? null;
    let redemptions = 0;
    let revenue = 0n;
    const since = Math.max(Date.parse(discount.createdAt), Date.parse(discount.startsAt));
    if (code !== null) {
      for (const order of orders) {
        if (order.cancelled || Date.parse(order.createdAt) < since) continue;
        if (!order.codes.some((used) => used.toLowerCase() === code)) continue;
        redemptions += 1;
        revenue += order.totalPrice;
      }
    }
    return { discountId: discount.id, redemptions, revenue };
  });
}
