import type { RfmGroupOverrides } from "../../domain/segments/rfm-groups.js";
import type { RankedMetrics, ShopThresholds } from "../../domain/segments/shop-thresholds.js";

/** What the customer details block shows of one customer, read from Cohort's database; every read scoped by shop. */
export interface CustomerBlockReader {
  /** Null when Cohort has not synced the customer (or it was deleted or redacted). */
  customerMetrics(
    shop: string,
    customerId: string,
  ): Promise<Pick<RankedMetrics, "orderCount" | "netSpend" | "lastOrderAt"> | null>;
  /** The segments the customer is in now, with when they entered, oldest first. */
  memberships(shop: string, customerId: string): Promise<Array<{ segmentId: string; name: string; enteredAt: string }>>;
  /** The shop's thresholds as last computed; null before its first full evaluation. */
  thresholds(shop: string): Promise<{ computedAt: string; thresholds: ShopThresholds } | null>;
  rfmGroupOverrides(shop: string): Promise<RfmGroupOverrides>;
}
