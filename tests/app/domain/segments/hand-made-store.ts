/**
 * A small store for segment tests, its numbers worked out by hand (the expected members in the tests follow them).
 * "Now" is 2026-06-15 08:00 in New York, so today is 15 June there, -30d is 16 May 00:00 EDT (04:00Z) and
 * yesterday is 14 June.
 *
 *   id    orders net  spend    aov     first        last          R F M  group
 *   ada   5      5    1200.00  240.00  2025-01-10   2026-06-10    4 4 4  LOYAL
 *   ben   1      1      40.00   40.00  2026-06-01   2026-06-01    3 1 1  NEEDS_ATTENTION
 *   cleo  3      2     300.00  150.00  2025-03-01   2026-01-20    1 3 3  AT_RISK
 *   dev   0      0       0.00    0.00  —            —             — — —  PROSPECTS
 *   eve   2      2      90.00   45.00  2026-05-20   2026-06-14    5 3 3  ACTIVE
 *   finn  1      1      25.00   25.00  2025-06-01   2025-06-01    1 1 1  DORMANT
 *   gia   8      8    3000.00  375.00  2024-02-02   2026-02-14    2 5 5  PREVIOUSLY_LOYAL
 *   hal   1      1      60.00   60.00  2026-05-16T03:00Z (15 May in New York)  3 1 2  NEEDS_ATTENTION
 *
 * Spend percentiles (N = 8): dev 0, finn 12, ben 25, hal 37, eve 50, cleo 62, ada 75, gia 87.
 */
import type { CustomerMetricsFacts, PurchaseStat } from "../../../../app/domain/sync/metrics.js";

export const NOW = new Date("2026-06-15T12:00:00Z");
export const TIME_ZONE = "America/New_York";

function purchase(
  kind: PurchaseStat["kind"],
  key: string,
  orderCount: number,
  amount: string,
  firstAt: string,
  lastAt: string,
  quantity = orderCount,
): PurchaseStat {
  return { kind, key, orderCount, quantity, amount, firstAt, lastAt };
}

function customer(overrides: Partial<CustomerMetricsFacts> & { customerId: string }): CustomerMetricsFacts {
  return {
    orderCount: 0,
    cancelledOrderCount: 0,
    netOrderCount: 0,
    grossSpend: "0.00",
    refundedAmount: "0.00",
    netSpend: "0.00",
    averageOrderValue: "0.00",
    firstOrderAt: null,
    lastOrderAt: null,
    refundCount: 0,
    discountCodeUseCount: 0,
    distinctDiscountCodeCount: 0,
    emailMarketing: null,
    smsMarketing: null,
    tags: [],
    countryCode: null,
    provinceCode: null,
    city: null,
    purchases: [],
    ...overrides,
  };
}

export const STORE: CustomerMetricsFacts[] = [
  customer({
    customerId: "ada",
    orderCount: 5,
    netOrderCount: 5,
    grossSpend: "1250.00",
    refundedAmount: "50.00",
    netSpend: "1200.00",
    averageOrderValue: "240.00",
    firstOrderAt: "2025-01-10T15:00:00.000Z",
    lastOrderAt: "2026-06-10T15:00:00.000Z",
    refundCount: 1,
    emailMarketing: "SUBSCRIBED",
    smsMarketing: "NOT_SUBSCRIBED",
    tags: ["vip", "wholesale"],
    countryCode: "US",
    provinceCode: "CA",
    city: "Los Angeles",
    purchases: [
      purchase("product", "101", 3, "400.00", "2025-01-10T15:00:00.000Z", "2026-06-10T15:00:00.000Z", 4),
      purchase("collection", "900", 4, "900.00", "2025-01-10T15:00:00.000Z", "2026-06-10T15:00:00.000Z"),
      purchase("vendor", "Acme", 4, "800.00", "2025-01-10T15:00:00.000Z", "2026-06-10T15:00:00.000Z"),
      purchase("channel", "web", 5, "1250.00", "2025-01-10T15:00:00.000Z", "2026-06-10T15:00:00.000Z"),
    ],
  }),
  customer({
    customerId: "ben",
    orderCount: 1,
    netOrderCount: 1,
    grossSpend: "40.00",
    netSpend: "40.00",
    averageOrderValue: "40.00",
    firstOrderAt: "2026-06-01T14:00:00.000Z",
    lastOrderAt: "2026-06-01T14:00:00.000Z",
    discountCodeUseCount: 1,
    distinctDiscountCodeCount: 1,
    emailMarketing: "SUBSCRIBED",
    countryCode: "CA",
    provinceCode: "ON",
    city: "Toronto",
    purchases: [
      purchase("product", "102", 1, "40.00", "2026-06-01T14:00:00.000Z", "2026-06-01T14:00:00.000Z"),
      purchase("collection", "901", 1, "40.00", "2026-06-01T14:00:00.000Z", "2026-06-01T14:00:00.000Z"),
      purchase("discountCode", "WELCOME10", 1, "40.00", "2026-06-01T14:00:00.000Z", "2026-06-01T14:00:00.000Z"),
      purchase("channel", "web", 1, "40.00", "2026-06-01T14:00:00.000Z", "2026-06-01T14:00:00.000Z"),
    ],
  }),
  customer({
    customerId: "cleo",
    orderCount: 3,
    cancelledOrderCount: 1,
    netOrderCount: 2,
    grossSpend: "300.00",
    netSpend: "300.00",
    averageOrderValue: "150.00",
    firstOrderAt: "2025-03-01T15:00:00.000Z",
    lastOrderAt: "2026-01-20T15:00:00.000Z",
    discountCodeUseCount: 2,
    distinctDiscountCodeCount: 1,
    emailMarketing: "UNSUBSCRIBED",
    tags: ["Sale-Hunter"],
    countryCode: "US",
    provinceCode: "NY",
    city: "New York",
    purchases: [
      purchase("product", "101", 1, "100.00", "2025-03-01T15:00:00.000Z", "2025-03-01T15:00:00.000Z"),
      purchase("collection", "900", 2, "300.00", "2025-03-01T15:00:00.000Z", "2026-01-20T15:00:00.000Z"),
      purchase("vendor", "Acme", 2, "300.00", "2025-03-01T15:00:00.000Z", "2026-01-20T15:00:00.000Z"),
      purchase("discountCode", "SALE20", 2, "300.00", "2025-03-01T15:00:00.000Z", "2026-01-20T15:00:00.000Z"),
      purchase("channel", "pos", 2, "300.00", "2025-03-01T15:00:00.000Z", "2026-01-20T15:00:00.000Z"),
    ],
  }),
  customer({ customerId: "dev", tags: ["newsletter", "Été"], countryCode: "GB", city: "London" }),
  customer({
    customerId: "eve",
    orderCount: 2,
    netOrderCount: 2,
    grossSpend: "100.00",
    refundedAmount: "10.00",
    netSpend: "90.00",
    averageOrderValue: "45.00",
    firstOrderAt: "2026-05-20T14:00:00.000Z",
    lastOrderAt: "2026-06-14T23:30:00.000Z",
    refundCount: 1,
    emailMarketing: "PENDING",
    countryCode: "US",
    provinceCode: "CA",
    city: "San Francisco",
    purchases: [
      purchase("product", "102", 2, "100.00", "2026-05-20T14:00:00.000Z", "2026-06-14T23:30:00.000Z"),
      purchase("collection", "901", 2, "100.00", "2026-05-20T14:00:00.000Z", "2026-06-14T23:30:00.000Z"),
      purchase("vendor", "Beta", 2, "100.00", "2026-05-20T14:00:00.000Z", "2026-06-14T23:30:00.000Z"),
    ],
  }),
  customer({
    customerId: "finn",
    orderCount: 1,
    netOrderCount: 1,
    grossSpend: "25.00",
    netSpend: "25.00",
    averageOrderValue: "25.00",
    firstOrderAt: "2025-06-01T10:00:00.000Z",
    lastOrderAt: "2025-06-01T10:00:00.000Z",
    emailMarketing: "INVALID",
    countryCode: "FR",
    purchases: [purchase("product", "104", 1, "25.00", "2025-06-01T10:00:00.000Z", "2025-06-01T10:00:00.000Z")],
  }),
  customer({
    customerId: "gia",
    orderCount: 8,
    netOrderCount: 8,
    grossSpend: "3000.00",
    netSpend: "3000.00",
    averageOrderValue: "375.00",
    firstOrderAt: "2024-02-02T15:00:00.000Z",
    lastOrderAt: "2026-02-14T15:00:00.000Z",
    emailMarketing: "SUBSCRIBED",
    smsMarketing: "SUBSCRIBED",
    tags: ["VIP"],
    countryCode: "US",
    provinceCode: "NY",
    city: "Brooklyn",
    purchases: [
      purchase("product", "103", 8, "2000.00", "2024-02-02T15:00:00.000Z", "2026-02-14T15:00:00.000Z"),
      purchase("collection", "900", 6, "2500.00", "2024-02-02T15:00:00.000Z", "2026-02-14T15:00:00.000Z"),
      purchase("vendor", "Acme", 8, "2000.00", "2024-02-02T15:00:00.000Z", "2026-02-14T15:00:00.000Z"),
    ],
  }),
  customer({
    customerId: "hal",
    orderCount: 1,
    netOrderCount: 1,
    grossSpend: "60.00",
    netSpend: "60.00",
    averageOrderValue: "60.00",
    firstOrderAt: "2026-05-16T03:00:00.000Z",
    lastOrderAt: "2026-05-16T03:00:00.000Z",
    emailMarketing: "NOT_SUBSCRIBED",
    countryCode: "US",
    purchases: [purchase("product", "102", 1, "60.00", "2026-05-16T03:00:00.000Z", "2026-05-16T03:00:00.000Z")],
  }),
];
