import type {
  CustomerFacts,
  LineItemFacts,
  MarketingState,
  OrderFacts,
} from "../../../../app/domain/sync/sync-records.js";

/** Deterministic random numbers (mulberry32), so a failing sequence can be replayed from its seed. */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[int(items.length)]!,
  };
}
export type Random = ReturnType<typeof randomSource>;

/** Shopify-sized ids (beyond 2^53). */
export const bigId = (prefix: number, n: number) => `${prefix}${String(n).padStart(15, "0")}`;

const BASE = Date.parse("2026-01-01T00:00:00Z");

/** An instant `minutes` after the base, written in UTC or with an offset (the same instant either way). */
export function instant(minutes: number, random?: Random): string {
  const time = BASE + minutes * 60_000;
  if (!random || random.chance(0.5)) return new Date(time).toISOString();
  const shifted = new Date(time + 2 * 3_600_000).toISOString().replace(".000Z", "");
  return `${shifted}+02:00`;
}

export function money(random: Random): string {
  const whole = random.int(300);
  const decimals = random.pick([0, 1, 2, 2, 2, 3]);
  if (decimals === 0) return String(whole);
  return `${whole}.${String(random.int(10 ** decimals)).padStart(decimals, "0")}`;
}

const STATES: MarketingState[] = ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"];

export function customerSnapshot(random: Random, id: string, updatedMinutes: number): CustomerFacts {
  return {
    id,
    createdAt: instant(0, random),
    updatedAt: instant(updatedMinutes, random),
    state: random.pick(["ENABLED", "DISABLED", "INVITED"]),
    tags: Array.from({ length: random.int(4) }, () => random.pick(["vip", "wholesale", " vip ", "new", "", "b2b"])),
    emailMarketing: random.chance(0.2) ? null : random.pick(STATES),
    smsMarketing: random.chance(0.5) ? null : random.pick(STATES),
    countryCode: random.pick(["US", "CA", "DE", null]),
    provinceCode: random.pick(["CA", "ON", "BY", null]),
    city: random.pick(["Springfield", "Toronto", "", null]),
  };
}

function lineItem(random: Random, orderId: string, index: number): LineItemFacts {
  const product = random.int(5);
  return {
    id: `${orderId}-${index}`,
    productId: random.chance(0.1) ? null : bigId(8, product),
    variantId: random.chance(0.1) ? null : bigId(9, product * 10 + random.int(3)),
    title: `Product ${product}`,
    vendor: random.pick(["Acme", "Globex", "", null]),
    productType: random.pick(["Shirts", "Hats", "", null]),
    collectionIds: Array.from({ length: random.int(3) }, () => bigId(6, random.int(4))),
    quantity: 1 + random.int(4),
    amount: money(random),
  };
}

export function orderSnapshot(
  random: Random,
  id: string,
  customerId: string | null,
  updatedMinutes: number,
): OrderFacts {
  const placed = random.int(updatedMinutes + 1);
  const lineItems = Array.from({ length: random.int(4) }, (_, i) => lineItem(random, id, i));
  return {
    id,
    customerId,
    createdAt: instant(placed, random),
    processedAt: instant(placed - random.int(3), random),
    updatedAt: instant(updatedMinutes, random),
    cancelledAt: random.chance(0.15) ? instant(updatedMinutes, random) : null,
    test: random.chance(0.1),
    currency: "USD",
    presentmentCurrency: random.pick(["USD", "EUR"]),
    totalPrice: money(random),
    subtotalPrice: money(random),
    totalDiscounts: money(random),
    discountCodes: Array.from({ length: random.int(3) }, () => random.pick(["SAVE10", "WELCOME", "save10"])),
    sourceName: random.pick(["web", "pos", "shopify_draft_order", null]),
    financialStatus: random.pick(["PAID", "REFUNDED", "PENDING", null]),
    countryCode: random.pick(["US", "CA", null]),
    provinceCode: random.pick(["CA", "NY", "ON", null]),
    city: random.pick(["Springfield", "Toronto", "", null]),
    lineItems,
    refunds: Array.from({ length: random.chance(0.3) ? 1 + random.int(2) : 0 }, (_, i) => ({
      id: `${id}-r${i}`,
      createdAt: instant(updatedMinutes, random),
      amount: money(random),
    })),
  };
}

export type Delivery =
  | { type: "customers"; snapshots: CustomerFacts[] }
  | { type: "orders"; snapshots: OrderFacts[] }
  | { type: "deleteCustomer"; customerId: string };

/** A random history of a shop: new and updated customers and orders, redeliveries, stale copies, deletions. */
export function randomDeliveries(seed: number, steps: number): Delivery[] {
  const random = randomSource(seed);
  const customerIds = Array.from({ length: 8 }, (_, i) => bigId(7, i));
  const orderIds = Array.from({ length: 30 }, (_, i) => bigId(5, i));
  const sentOrders: OrderFacts[] = [];
  const sentCustomers: CustomerFacts[] = [];
  const deliveries: Delivery[] = [];
  let clock = 10;
  for (let step = 0; step < steps; step += 1) {
    const roll = random.next();
    if (roll < 0.25) {
      const snapshots = Array.from({ length: 1 + random.int(3) }, () =>
        customerSnapshot(random, random.pick(customerIds), (clock += 1)),
      );
      sentCustomers.push(...snapshots);
      deliveries.push({ type: "customers", snapshots });
    } else if (roll < 0.7) {
      const snapshots = Array.from({ length: 1 + random.int(6) }, () =>
        orderSnapshot(
          random,
          random.pick(orderIds),
          random.chance(0.1) ? null : random.pick(customerIds),
          (clock += 1),
        ),
      );
      sentOrders.push(...snapshots);
      deliveries.push({ type: "orders", snapshots });
    } else if (roll < 0.85 && sentOrders.length > 0) {
      // Redelivery: duplicates and older snapshots, possibly mixed in one batch.
      const snapshots = Array.from({ length: 1 + random.int(4) }, () => random.pick(sentOrders));
      deliveries.push({ type: "orders", snapshots });
    } else if (roll < 0.95 && sentCustomers.length > 0) {
      deliveries.push({ type: "customers", snapshots: [random.pick(sentCustomers)] });
    } else {
      deliveries.push({ type: "deleteCustomer", customerId: random.pick(customerIds) });
    }
  }
  return deliveries;
}
