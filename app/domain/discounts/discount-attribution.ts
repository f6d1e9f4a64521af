/**
 * Attribution of synced orders to the discounts Cohort created: an order counts for a discount when it carries the
 * discount's code (codes compare case-insensitively, as checkout applies them) and is not cancelled; its revenue is
 * the order's total. This is the reference the SQL in app/db/discounts/ is checked against.
 */
export interface AttributableDiscount {
  id: string;
  code: string | null;
}

export interface AttributableOrder {
  id: string;
  codes: readonly string[];
  /** Money units (app/domain/money.ts). */
  totalPrice: bigint;
  cancelled: boolean;
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
    if (code !== null) {
      for (const order of orders) {
        if (order.cancelled || !order.codes.some((used) => used.toLowerCase() === code)) continue;
        redemptions += 1;
        revenue += order.totalPrice;
      }
    }
    return { discountId: discount.id, redemptions, revenue };
  });
}
