/**
 * A seeded demo store: the same seed, sizes and `now` give byte-identical rows. Orders are streamed to SQLite in
 * batches; what is kept in memory is a few typed arrays per customer and per order (≈ 20 bytes each), never the
 * records themselves. Customer attributes are a pure function of (seed, customer index), so an order can
 * re-derive its buyer's email and address without a lookup.
 */
import type { EmulatorStore } from "../store/store.js";
import type {
  AddressRecord,
  CollectionRecord,
  CustomerRecord,
  LineItemRecord,
  MarketingConsent,
  MoneyPair,
  OrderRecord,
  ProductRecord,
  RefundRecord,
} from "../store/types.js";

export interface DemoStoreOptions {
  seed: number | string;
  customers: number;
  orders: number;
  products?: number;
  /** The last possible order date; defaults to the store's clock. Pass it for byte-identical stores. */
  now?: Date;
  /** Rows per transaction. */
  batchSize?: number;
}

export interface DemoStoreSummary {
  shopId: number;
  customers: number;
  orders: number;
  products: number;
  collections: number;
  guestOrders: number;
  buyers: number;
  repeatBuyers: number;
  refundedOrders: number;
  cancelledOrders: number;
  discountedOrders: number;
  countries: Record<string, number>;
  presentmentCurrencies: Record<string, number>;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
  durationMs: number;
}

// ---- randomness -----------------------------------------------------------------------------------------------

function hashSeed(seed: number | string): number {
  const text = String(seed);
  let hash = 2166136261;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
  /** Pareto with minimum 1: heavy-tailed weights for repeat buyers. */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }
}

/** Independent stream per (seed, index, purpose) so a customer's attributes can be re-derived at any time. */
function streamFor(seed: number, index: number, purpose: number): Random {
  return new Random(Math.imul(seed ^ Math.imul(index + 1, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(purpose, 0xc2b2ae35));
}

// ---- reference data -------------------------------------------------------------------------------------------

interface Country {
  code: string;
  name: string;
  currency: string;
  phonePrefix: string;
  weight: number;
  taxRate: number;
  regions: readonly (readonly [province: string, provinceCode: string | null, cities: readonly string[]])[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  streets: readonly string[];
  zip: (random: Random) => string;
}

const ENGLISH_FIRST = [
  "James",
  "Mary",
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Ethan",
  "Sophia",
  "Mason",
  "Isabella",
  "Lucas",
  "Mia",
  "Logan",
  "Amelia",
  "Harper",
  "Elijah",
  "Chloe",
  "Grace",
  "Jack",
];
const ENGLISH_LAST = [
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Miller",
  "Davis",
  "Wilson",
  "Taylor",
  "Anderson",
  "Thomas",
  "Moore",
  "Martin",
  "Thompson",
  "White",
  "Harris",
  "Clark",
  "Lewis",
  "Walker",
  "Young",
];
const digits = (random: Random, count: number): string => Array.from({ length: count }, () => random.int(10)).join("");

const COUNTRIES: readonly Country[] = [
  {
    code: "US",
    name: "United States",
    currency: "USD",
    phonePrefix: "+1",
    weight: 44,
    taxRate: 0.07,
    regions: [
      ["California", "CA", ["Los Angeles", "San Francisco", "San Diego"]],
      ["New York", "NY", ["New York", "Buffalo"]],
      ["Texas", "TX", ["Austin", "Houston", "Dallas"]],
      ["Illinois", "IL", ["Chicago"]],
      ["Washington", "WA", ["Seattle", "Spokane"]],
      ["Florida", "FL", ["Miami", "Orlando"]],
    ],
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    streets: ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Park Blvd"],
    zip: (random) => digits(random, 5),
  },
  {
    code: "CA",
    name: "Canada",
    currency: "CAD",
    phonePrefix: "+1",
    weight: 10,
    taxRate: 0.13,
    regions: [
      ["Ontario", "ON", ["Toronto", "Ottawa"]],
      ["Quebec", "QC", ["Montréal", "Québec"]],
      ["British Columbia", "BC", ["Vancouver", "Victoria"]],
      ["Alberta", "AB", ["Calgary", "Edmonton"]],
    ],
    firstNames: [...ENGLISH_FIRST, "Émile", "Chloé"],
    lastNames: [...ENGLISH_LAST, "Tremblay", "Gagnon", "Roy"],
    streets: ["King St W", "Rue Sainte-Catherine", "Yonge St", "Robson St"],
    zip: (random) =>
      `${"KMHVT"[random.int(5)]}${random.int(10)}${"ABCEGH"[random.int(6)]} ${random.int(10)}${"JKLMNP"[random.int(6)]}${random.int(10)}`,
  },
  {
    code: "GB",
    name: "United Kingdom",
    currency: "GBP",
    phonePrefix: "+44",
    weight: 12,
    taxRate: 0.2,
    regions: [
      ["England", "ENG", ["London", "Manchester", "Bristol", "Leeds"]],
      ["Scotland", "SCT", ["Edinburgh", "Glasgow"]],
      ["Wales", "WLS", ["Cardiff"]],
    ],
    firstNames: ["Oliver", "George", "Amelia", "Isla", "Harry", "Poppy", "Alfie", "Freya", "Arthur", "Evie"],
    lastNames: ["Smith", "Jones", "Taylor", "Brown", "Evans", "Wright", "Hughes", "Roberts", "Patel", "Khan"],
    streets: ["High Street", "Station Road", "Church Lane", "Victoria Road"],
    zip: (random) =>
      `${"SWENW"[random.int(5)]}${1 + random.int(20)} ${random.int(10)}${"ABDEF"[random.int(5)]}${"HJLNP"[random.int(5)]}`,
  },
  {
    code: "DE",
    name: "Germany",
    currency: "EUR",
    phonePrefix: "+49",
    weight: 9,
    taxRate: 0.19,
    regions: [
      ["Berlin", "BE", ["Berlin"]],
      ["Bayern", "BY", ["München", "Nürnberg"]],
      ["Hamburg", "HH", ["Hamburg"]],
      ["Nordrhein-Westfalen", "NW", ["Köln", "Düsseldorf"]],
    ],
    firstNames: ["Lukas", "Leon", "Mia", "Hannah", "Finn", "Lena", "Jonas", "Marie", "Paul", "Sophie"],
    lastNames: [
      "Müller",
      "Schmidt",
      "Schneider",
      "Fischer",
      "Weber",
      "Meyer",
      "Wagner",
      "Becker",
      "Hoffmann",
      "Schulz",
    ],
    streets: ["Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße"],
    zip: (random) => digits(random, 5),
  },
  {
    code: "FR",
    name: "France",
    currency: "EUR",
    phonePrefix: "+33",
    weight: 8,
    taxRate: 0.2,
    regions: [
      ["Île-de-France", null, ["Paris", "Versailles"]],
      ["Auvergne-Rhône-Alpes", null, ["Lyon", "Grenoble"]],
      ["Provence-Alpes-Côte d'Azur", null, ["Marseille", "Nice"]],
    ],
    firstNames: ["Gabriel", "Louise", "Léo", "Jade", "Raphaël", "Ambre", "Arthur", "Alice", "Louis", "Lina"],
    lastNames: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"],
    streets: ["Rue de la Paix", "Avenue Victor Hugo", "Boulevard Voltaire", "Rue du Moulin"],
    zip: (random) => digits(random, 5),
  },
  {
    code: "AU",
    name: "Australia",
    currency: "AUD",
    phonePrefix: "+61",
    weight: 8,
    taxRate: 0.1,
    regions: [
      ["New South Wales", "NSW", ["Sydney", "Newcastle"]],
      ["Victoria", "VIC", ["Melbourne", "Geelong"]],
      ["Queensland", "QLD", ["Brisbane", "Cairns"]],
      ["Western Australia", "WA", ["Perth"]],
    ],
    firstNames: ["Oliver", "Charlotte", "William", "Isla", "Jack", "Olivia", "Noah", "Mia", "Leo", "Ruby"],
    lastNames: ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White"],
    streets: ["George St", "Collins St", "Queen St", "Beach Rd"],
    zip: (random) => String(2000 + random.int(6000)),
  },
  {
    code: "NL",
    name: "Netherlands",
    currency: "EUR",
    phonePrefix: "+31",
    weight: 4,
    taxRate: 0.21,
    regions: [
      ["Noord-Holland", "NH", ["Amsterdam", "Haarlem"]],
      ["Zuid-Holland", "ZH", ["Rotterdam", "Den Haag"]],
      ["Utrecht", "UT", ["Utrecht"]],
    ],
    firstNames: ["Daan", "Emma", "Sem", "Julia", "Lucas", "Tess", "Levi", "Zoë"],
    lastNames: ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit"],
    streets: ["Kerkstraat", "Dorpsstraat", "Molenweg", "Prinsengracht"],
    zip: (random) => `${1000 + random.int(9000)} ${"ABCDEFGH"[random.int(8)]}${"JKLMNPRS"[random.int(8)]}`,
  },
  {
    code: "JP",
    name: "Japan",
    currency: "JPY",
    phonePrefix: "+81",
    weight: 3,
    taxRate: 0.1,
    regions: [
      ["Tokyo", "JP-13", ["Shibuya", "Shinjuku"]],
      ["Osaka", "JP-27", ["Osaka"]],
      ["Kyoto", "JP-26", ["Kyoto"]],
    ],
    firstNames: ["Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Yuto", "Sakura"],
    lastNames: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto"],
    streets: ["1-2-3 Jingumae", "4-5-6 Nishi", "7-8-9 Higashi"],
    zip: (random) => `${digits(random, 3)}-${digits(random, 4)}`,
  },
];
const COUNTRY_WEIGHTS = COUNTRIES.map((country, index) => [index, country.weight] as const);

/** Units of currency per 1 USD; stable so presentment and shop money always agree. */
export const RATES_PER_USD: Record<string, number> = { USD: 1, CAD: 1.36, GBP: 0.79, EUR: 0.92, AUD: 1.52, JPY: 150 };

const VENDORS = [
  "Northwind Goods",
  "Acme Apparel",
  "Bluebird Studio",
  "Cedar & Co",
  "Lumen Labs",
  "Harbor Supply",
  "Fjord Outdoor",
  "Kettle Kitchen",
];
const PRODUCT_TYPES: readonly (readonly [type: string, nouns: readonly string[], median: number])[] = [
  ["T-Shirt", ["Tee", "Crew Tee", "Pocket Tee"], 28],
  ["Hoodie", ["Hoodie", "Zip Hoodie"], 64],
  ["Shoes", ["Runner", "Sneaker", "Trail Shoe"], 110],
  ["Bag", ["Tote", "Backpack", "Duffel"], 75],
  ["Mug", ["Mug", "Travel Mug"], 18],
  ["Candle", ["Candle", "Soy Candle"], 24],
  ["Jacket", ["Parka", "Rain Jacket", "Fleece"], 160],
  ["Accessory", ["Beanie", "Scarf", "Cap", "Socks"], 16],
  ["Home", ["Throw Blanket", "Cushion", "Vase"], 55],
  ["Gift Card", ["Gift Card"], 50],
];
const ADJECTIVES = [
  "Classic",
  "Everyday",
  "Alpine",
  "Coastal",
  "Urban",
  "Heritage",
  "Cloud",
  "Summit",
  "Meadow",
  "Midnight",
  "Sunset",
  "Nordic",
];
const SIZES = ["XS", "S", "M", "L", "XL"];
const COLORS = ["Black", "White", "Navy", "Olive", "Sand", "Rust"];
const PRODUCT_TAGS = ["new", "bestseller", "sale", "eco", "limited", "gift", "summer", "winter"];
const CUSTOMER_TAGS = [
  "vip",
  "wholesale",
  "newsletter",
  "influencer",
  "staff",
  "returning",
  "loyalty-gold",
  "loyalty-silver",
];
const DISCOUNT_CODES: readonly (readonly [code: string, percent: number])[] = [
  ["WELCOME10", 10],
  ["SUMMER20", 20],
  ["VIP15", 15],
  ["BFCM30", 30],
  ["FRIEND5", 5],
];
const SOURCES = [
  ["web", 75],
  ["pos", 10],
  ["iphone", 8],
  ["shopify_draft_order", 7],
] as const;
const CANCEL_REASONS = [
  ["CUSTOMER", 5],
  ["INVENTORY", 2],
  ["FRAUD", 1],
  ["DECLINED", 1],
  ["OTHER", 1],
] as const;

const DAY = 86_400_000;
const HISTORY_DAYS = 3 * 365;

// ---- money in integer cents (exact and fast; money.ts's bigints are too slow for a million orders) ------------

function cents(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function centsOf(amount: string): number {
  const [whole, fraction = "00"] = amount.replace("-", "").split(".");
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return amount.startsWith("-") ? -value : value;
}

function toPresentment(shopCents: number, shopCurrency: string, presentment: string): number {
  const rate = (RATES_PER_USD[presentment] ?? 1) / (RATES_PER_USD[shopCurrency] ?? 1);
  const value = Math.round(shopCents * rate);
  return presentment === "JPY" ? Math.round(value / 100) * 100 : value;
}

// ---- customers ------------------------------------------------------------------------------------------------

interface CustomerIdentity {
  country: Country;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  address: Omit<AddressRecord, "id">;
}

function identity(seed: number, index: number, purpose: number, guest: boolean): CustomerIdentity {
  const random = streamFor(seed, index, purpose);
  const country = COUNTRIES[random.weighted(COUNTRY_WEIGHTS)]!;
  const firstName = random.pick(country.firstNames);
  const lastName = random.pick(country.lastNames);
  const [province, provinceCode, cities] = random.pick(country.regions);
  const localPart = `${firstName}.${lastName}`
    .normalize("NFD")
    .replace(/[^A-Za-z.]/g, "")
    .toLowerCase();
  const email = `${localPart}${guest ? "+g" : ""}${index}@${random.pick(["example.com", "example.net", "example.org"])}`;
  const phone = random.chance(0.55) ? `${country.phonePrefix}${2 + random.int(8)}${digits(random, 9)}` : null;
  const address: Omit<AddressRecord, "id"> = {
    firstName,
    lastName,
    company: random.chance(0.08) ? `${lastName} ${random.pick(["GmbH", "LLC", "Ltd", "Studio"])}` : null,
    address1: `${1 + random.int(400)} ${random.pick(country.streets)}`,
    address2: random.chance(0.15) ? `Apt ${1 + random.int(60)}` : null,
    city: random.pick(cities),
    province,
    provinceCode,
    country: country.name,
    countryCode: country.code,
    zip: country.zip(random),
    phone,
  };
  return { country, firstName, lastName, email, phone, address };
}

function consent(random: Random, at: string, subscribedShare: number): MarketingConsent {
  const state = random.weighted([
    ["SUBSCRIBED", subscribedShare],
    ["NOT_SUBSCRIBED", 1 - subscribedShare - 0.08],
    ["UNSUBSCRIBED", 0.06],
    ["PENDING", 0.02],
  ] as const);
  return {
    marketingState: state,
    marketingOptInLevel: state === "SUBSCRIBED" ? random.pick(["SINGLE_OPT_IN", "CONFIRMED_OPT_IN"] as const) : null,
    consentUpdatedAt: state === "NOT_SUBSCRIBED" ? null : at,
  };
}

const PURPOSE_IDENTITY = 1;
const PURPOSE_PROFILE = 2;
const PURPOSE_LIFECYCLE = 3;
const PURPOSE_GUEST = 4;

// ---- the generator --------------------------------------------------------------------------------------------

export async function generateDemoStore(
  store: EmulatorStore,
  shopId: number,
  options: DemoStoreOptions,
): Promise<DemoStoreSummary> {
  const started = Date.now();
  const seed = hashSeed(options.seed);
  const shop = store.requireShop(shopId);
  const now = (options.now ?? store.now()).getTime();
  const historyStart = now - HISTORY_DAYS * DAY;
  const customerCount = Math.max(0, Math.floor(options.customers));
  const orderCount = Math.max(0, Math.floor(options.orders));
  const batchSize = options.batchSize ?? 5_000;
  const random = new Random(seed);
  const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  // Catalogue.
  const productCount = options.products ?? Math.min(400, Math.max(12, Math.round(Math.sqrt(orderCount) * 2)));
  const productBase = store.nextId(productCount * 6);
  const products: {
    id: number;
    title: string;
    vendor: string;
    variants: { id: number; title: string; sku: string; priceCents: number }[];
  }[] = [];
  const collections = new Map<string, number[]>();
  store.transaction(() => {
    for (let p = 0; p < productCount; p += 1) {
      const [productType, nouns, median] = random.pick(PRODUCT_TYPES);
      const title = `${random.pick(ADJECTIVES)} ${random.pick(nouns)}${p >= ADJECTIVES.length * 2 ? ` ${p}` : ""}`;
      const vendor = random.pick(VENDORS);
      const id = productBase + p * 6;
      const createdAt = new Date(historyStart - random.int(180) * DAY).toISOString();
      const basePrice = Math.max(300, Math.round(random.logNormal(median, 0.35)) * 100 - 1);
      const variantTitles =
        productType === "T-Shirt" || productType === "Hoodie" || productType === "Jacket"
          ? SIZES.slice(0, 2 + random.int(3))
          : productType === "Mug" || productType === "Candle" || productType === "Bag"
            ? COLORS.slice(0, 1 + random.int(3))
            : ["Default Title"];
      const variants = variantTitles.map((variantTitle, v) => ({
        id: id + 1 + v,
        title: variantTitle,
        sku: `${productType.slice(0, 3).toUpperCase()}-${p}-${v}`,
        priceCents: basePrice + (variantTitle === "XL" ? 200 : 0),
      }));
      const tags = PRODUCT_TAGS.filter(() => random.chance(0.18));
      const record: ProductRecord = {
        id,
        title,
        handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
        vendor,
        productType,
        tags,
        status: random.chance(0.95) ? "ACTIVE" : random.pick(["ARCHIVED", "DRAFT"] as const),
        createdAt,
        updatedAt: createdAt,
        variants: variants.map((variant) => ({
          id: variant.id,
          title: variant.title,
          sku: variant.sku,
          price: cents(variant.priceCents),
        })),
      };
      store.putProduct(shopId, record, { silent: true });
      products.push({ id, title, vendor, variants });
      const typeCollection = collections.get(productType) ?? [];
      typeCollection.push(id);
      collections.set(productType, typeCollection);
      for (const tag of tags) {
        if (tag !== "bestseller" && tag !== "sale" && tag !== "new") continue;
        const list = collections.get(tag) ?? [];
        list.push(id);
        collections.set(tag, list);
      }
    }
    const collectionBase = store.nextId(collections.size);
    let c = 0;
    for (const [name, productIds] of collections) {
      const title =
        name === "bestseller"
          ? "Best Sellers"
          : name === "sale"
            ? "On Sale"
            : name === "new"
              ? "New Arrivals"
              : `${name}s`;
      const record: CollectionRecord = {
        id: collectionBase + c,
        title,
        handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
        updatedAt: new Date(historyStart).toISOString(),
        productIds,
      };
      store.putCollection(shopId, record);
      c += 1;
    }
  });
  // Popular products sell more (Zipf over a seeded permutation).
  const productCumulative = new Float64Array(productCount);
  let productTotal = 0;
  for (let p = 0; p < productCount; p += 1) {
    productTotal += 1 / Math.pow(p + 1, 0.9);
    productCumulative[p] = productTotal;
  }
  const pickProduct = (): number => {
    const roll = random.next() * productTotal;
    let lo = 0;
    let hi = productCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (productCumulative[mid]! < roll) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Who buys: a seeded permutation splits customers into one-time buyers, repeat buyers and prospects.
  const guestShare = 0.12;
  const customerOrderCount = customerCount === 0 ? 0 : Math.round(orderCount * (1 - guestShare));
  const buyers = Math.min(Math.round(customerCount * 0.72), customerOrderCount);
  const repeatBuyers = Math.min(Math.round(buyers * 0.32), customerOrderCount - buyers);
  const extraOrders = customerOrderCount - buyers - repeatBuyers;
  const permutation = new Uint32Array(customerCount);
  for (let i = 0; i < customerCount; i += 1) permutation[i] = i;
  for (let i = customerCount - 1; i > 0; i -= 1) {
    const j = random.int(i + 1);
    const swap = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = swap;
  }
  const ordersOf = new Uint32Array(customerCount);
  for (let k = 0; k < buyers; k += 1) ordersOf[permutation[k]!] = k < buyers - repeatBuyers ? 1 : 2;
  if (repeatBuyers > 0 && extraOrders > 0) {
    // Power law: heavy-tailed weights, extra orders handed out by weighted sampling.
    const repeatCumulative = new Float64Array(repeatBuyers);
    let total = 0;
    for (let r = 0; r < repeatBuyers; r += 1) {
      total += random.pareto(1.3);
      repeatCumulative[r] = total;
    }
    for (let e = 0; e < extraOrders; e += 1) {
      const roll = random.next() * total;
      let lo = 0;
      let hi = repeatBuyers - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (repeatCumulative[mid]! < roll) lo = mid + 1;
        else hi = mid;
      }
      const customerIndex = permutation[buyers - repeatBuyers + lo]!;
      ordersOf[customerIndex] = ordersOf[customerIndex]! + 1;
    }
  }

  // Lifecycles: when each customer signed up, first bought and stopped buying (dormant ones stopped long ago).
  // Recent dates are likelier (a growing shop): u^0.7 skews towards now.
  const skewedTime = (r: Random): number => historyStart + Math.pow(r.next(), 0.7) * HISTORY_DAYS * DAY;
  const firstOrderAt = new Float64Array(customerCount);
  const lastOrderAt = new Float64Array(customerCount);
  const createdAt = new Float64Array(customerCount);
  for (let i = 0; i < customerCount; i += 1) {
    const r = streamFor(seed, i, PURPOSE_LIFECYCLE);
    const start = skewedTime(r);
    const count = ordersOf[i]!;
    createdAt[i] = Math.max(historyStart - 90 * DAY, start - r.int(45) * DAY - r.int(DAY));
    firstOrderAt[i] = start;
    if (count > 1) {
      const dormant = r.chance(0.25);
      const end = dormant ? now - (365 + r.int(400)) * DAY - r.int(DAY) : now;
      const span = Math.max(DAY, Math.min(end - start, r.logNormal(count * 70, 0.6) * DAY));
      if (dormant && end <= start) firstOrderAt[i] = end - span;
      lastOrderAt[i] = firstOrderAt[i]! + span;
      createdAt[i] = Math.min(createdAt[i]!, firstOrderAt[i]!);
    } else {
      lastOrderAt[i] = start;
    }
  }

  // Customer ids follow sign-up order, as on Shopify.
  const byCreated = new Uint32Array(customerCount);
  for (let i = 0; i < customerCount; i += 1) byCreated[i] = i;
  byCreated.sort((a, b) => createdAt[a]! - createdAt[b]! || a - b);
  const customerBase = store.nextId(customerCount * 2);
  const customerIdOf = new Float64Array(customerCount);
  byCreated.forEach((index, rank) => (customerIdOf[index] = customerBase + rank * 2));

  const countries: Record<string, number> = {};
  for (let start = 0; start < customerCount; start += batchSize) {
    store.transaction(() => {
      for (let rank = start; rank < Math.min(customerCount, start + batchSize); rank += 1) {
        const index = byCreated[rank]!;
        const who = identity(seed, index, PURPOSE_IDENTITY, false);
        const r = streamFor(seed, index, PURPOSE_PROFILE);
        const id = customerIdOf[index]!;
        const created = new Date(createdAt[index]!).toISOString();
        countries[who.country.code] = (countries[who.country.code] ?? 0) + 1;
        const record: CustomerRecord = {
          id,
          firstName: who.firstName,
          lastName: who.lastName,
          email: r.chance(0.97) ? who.email : null,
          phone: who.phone,
          note: r.chance(0.03) ? "Prefers email contact" : null,
          tags: r.chance(0.18) ? CUSTOMER_TAGS.filter(() => r.chance(0.25)).slice(0, 3) : [],
          state: r.weighted([
            ["ENABLED", 40],
            ["DISABLED", 55],
            ["INVITED", 4],
            ["DECLINED", 1],
          ] as const),
          verifiedEmail: r.chance(0.9),
          taxExempt: r.chance(0.01),
          locale:
            who.country.code === "DE"
              ? "de"
              : who.country.code === "FR"
                ? "fr"
                : who.country.code === "JP"
                  ? "ja"
                  : "en",
          createdAt: created,
          updatedAt: created,
          emailMarketingConsent: consent(r, created, 0.42),
          smsMarketingConsent: who.phone ? consent(r, created, 0.18) : null,
          addresses: [{ id: id + 1, ...who.address }],
          defaultAddressId: id + 1,
          amountSpent: "0.00",
          numberOfOrders: 0,
        };
        store.writeCustomerRow(shopId, record);
      }
    });
    await yieldToLoop();
  }

  // Orders: (time, buyer) pairs in typed arrays, sorted by time so numbers and ids rise with time.
  const orderTime = new Float64Array(orderCount);
  const orderBuyer = new Int32Array(orderCount);
  let cursor = 0;
  for (let i = 0; i < customerCount; i += 1) {
    const count = ordersOf[i]!;
    for (let k = 0; k < count && cursor < orderCount; k += 1) {
      const t =
        k === 0
          ? firstOrderAt[i]!
          : k === count - 1
            ? lastOrderAt[i]!
            : firstOrderAt[i]! + random.next() * (lastOrderAt[i]! - firstOrderAt[i]!);
      orderTime[cursor] = Math.min(now - 60_000, t);
      orderBuyer[cursor] = i;
      cursor += 1;
    }
  }
  while (cursor < orderCount) {
    orderTime[cursor] = Math.min(now - 60_000, skewedTime(random));
    orderBuyer[cursor] = -1;
    cursor += 1;
  }
  const byTime = new Uint32Array(orderCount);
  for (let o = 0; o < orderCount; o += 1) byTime[o] = o;
  byTime.sort((a, b) => orderTime[a]! - orderTime[b]! || a - b);

  const shopCurrency = shop.currencyCode;
  const presentmentCurrencies: Record<string, number> = {};
  let guestOrders = 0;
  let refundedOrders = 0;
  let cancelledOrders = 0;
  let discountedOrders = 0;
  const idsPerOrder = 12;
  const orderBase = store.nextId(orderCount * idsPerOrder);
  const firstNumber = store.nextOrderNumber(shopId);
  const statCount = new Uint32Array(customerCount);
  const statSpent = new Float64Array(customerCount);
  const statLastUpdate = new Float64Array(customerCount);

  for (let start = 0; start < orderCount; start += batchSize) {
    store.transaction(() => {
      for (let k = start; k < Math.min(orderCount, start + batchSize); k += 1) {
        const o = byTime[k]!;
        const buyer = orderBuyer[o]!;
        const placedAt = orderTime[o]!;
        const placed = new Date(placedAt).toISOString();
        let nextId = orderBase + k * idsPerOrder;
        const orderId = nextId++;
        const who =
          buyer >= 0 ? identity(seed, buyer, PURPOSE_IDENTITY, false) : identity(seed, o, PURPOSE_GUEST, true);
        if (buyer < 0) guestOrders += 1;
        const presentment = random.chance(0.85) ? who.country.currency : shopCurrency;
        presentmentCurrencies[presentment] = (presentmentCurrencies[presentment] ?? 0) + 1;

        const lineCount = Math.min(4, 1 + Math.floor(-Math.log(1 - random.next()) / 1.1));
        const lines: {
          product: (typeof products)[number];
          variant: (typeof products)[number]["variants"][number];
          quantity: number;
        }[] = [];
        for (let l = 0; l < lineCount; l += 1) {
          const product = products[pickProduct()]!;
          lines.push({
            product,
            variant: random.pick(product.variants),
            quantity: random.chance(0.82) ? 1 : 2 + random.int(3),
          });
        }
        const discount = random.chance(0.14) ? random.pick(DISCOUNT_CODES) : null;
        if (discount) discountedOrders += 1;
        let subtotal = 0;
        let discountTotal = 0;
        const lineItems: LineItemRecord[] = lines.map(({ product, variant, quantity }) => {
          const gross = variant.priceCents * quantity;
          const lineDiscount = discount ? Math.round((gross * discount[1]) / 100) : 0;
          subtotal += gross - lineDiscount;
          discountTotal += lineDiscount;
          const pair = (value: number): MoneyPair => ({
            shop: cents(value),
            presentment: cents(toPresentment(value, shopCurrency, presentment)),
          });
          return {
            id: nextId++,
            title: product.title,
            variantTitle: variant.title === "Default Title" ? null : variant.title,
            quantity,
            sku: variant.sku,
            vendor: product.vendor,
            productId: product.id,
            variantId: variant.id,
            requiresShipping: true,
            taxable: true,
            originalUnitPrice: pair(variant.priceCents),
            discountedTotal: pair(gross - lineDiscount),
            totalDiscount: pair(lineDiscount),
          };
        });
        nextId = orderId + 5;
        const shipping = subtotal >= 7500 ? 0 : 499 + 100 * random.int(10);
        const tax = Math.round(subtotal * who.country.taxRate);
        const total = subtotal + shipping + tax;
        const money = (value: number): MoneyPair => ({
          shop: cents(value),
          presentment: cents(toPresentment(value, shopCurrency, presentment)),
        });

        const ageDays = (now - placedAt) / DAY;
        const cancelled = random.chance(0.025);
        const refundRoll = random.next();
        let financialStatus: OrderRecord["financialStatus"] =
          ageDays < 2 && random.chance(0.3) ? random.pick(["PENDING", "AUTHORIZED"] as const) : "PAID";
        const refunds: RefundRecord[] = [];
        let cancelledAt: string | null = null;
        let cancelReason: OrderRecord["cancelReason"] = null;
        if (cancelled) {
          cancelledOrders += 1;
          cancelledAt = new Date(Math.min(now, placedAt + (1 + random.int(48)) * 3_600_000)).toISOString();
          cancelReason = random.weighted(CANCEL_REASONS);
          if (financialStatus === "PAID") {
            refunds.push({
              id: nextId,
              createdAt: cancelledAt,
              note: "Order cancelled",
              totalRefunded: money(total),
              refundLineItems: lineItems.slice(0, 2).map((line, index) => ({
                id: nextId + 2 + index,
                lineItemId: line.id,
                quantity: line.quantity,
                restockType: "CANCEL",
                subtotal: line.discountedTotal,
              })),
            });
            financialStatus = "REFUNDED";
          } else {
            financialStatus = "VOIDED";
          }
        } else if (financialStatus === "PAID" && refundRoll < 0.07 && ageDays > 1) {
          refundedOrders += 1;
          const refundedAt = new Date(Math.min(now, placedAt + (1 + random.int(30)) * DAY)).toISOString();
          const full = refundRoll < 0.025;
          const line = lineItems[random.int(lineItems.length)]!;
          const amount = full ? total : Math.max(1, Math.round(centsOf(line.discountedTotal.shop) / line.quantity));
          refunds.push({
            id: nextId,
            createdAt: refundedAt,
            note: full ? "Full refund" : random.pick(["Damaged item", "Wrong size", "Changed mind", null]),
            totalRefunded: money(amount),
            refundLineItems: full
              ? lineItems
                  .slice(0, 2)
                  .map((item, index) => ({
                    id: nextId + 2 + index,
                    lineItemId: item.id,
                    quantity: item.quantity,
                    restockType: "RETURN" as const,
                    subtotal: item.discountedTotal,
                  }))
              : [{ id: nextId + 2, lineItemId: line.id, quantity: 1, restockType: "RETURN", subtotal: money(amount) }],
          });
          financialStatus = full ? "REFUNDED" : "PARTIALLY_REFUNDED";
        }
        const fulfilled = !cancelled && ageDays > 4 && financialStatus !== "PENDING";
        const updatedAt =
          refunds.at(-1)?.createdAt ?? cancelledAt ?? new Date(placedAt + (fulfilled ? 2 * DAY : 0)).toISOString();
        const number = firstNumber + k;
        const order: OrderRecord = {
          id: orderId,
          name: `#${number}`,
          number,
          customerId: buyer >= 0 ? customerIdOf[buyer]! : null,
          email: who.email,
          phone: who.phone,
          createdAt: placed,
          updatedAt: updatedAt > new Date(now).toISOString() ? new Date(now).toISOString() : updatedAt,
          processedAt: placed,
          cancelledAt,
          cancelReason,
          closedAt: fulfilled ? new Date(placedAt + 2 * DAY).toISOString() : null,
          financialStatus,
          fulfillmentStatus: fulfilled ? "FULFILLED" : "UNFULFILLED",
          currencyCode: shopCurrency,
          presentmentCurrencyCode: presentment,
          sourceName: random.weighted(SOURCES),
          tags: random.chance(0.1) ? [random.pick(["gift", "wholesale", "priority", "subscription"])] : [],
          note: random.chance(0.04) ? "Please leave at the door" : null,
          test: random.chance(0.002),
          discountCodes: discount ? [discount[0]] : [],
          lineItems,
          subtotalPrice: money(subtotal),
          totalDiscounts: money(discountTotal),
          totalShipping: money(shipping),
          totalTax: money(tax),
          totalPrice: money(total),
          refunds,
          shippingAddress: who.address,
          billingAddress: who.address,
        };
        store.writeOrderRow(shopId, order);
        if (buyer >= 0) {
          const orderUpdated = Date.parse(order.updatedAt);
          if (orderUpdated > statLastUpdate[buyer]!) statLastUpdate[buyer] = orderUpdated;
          if (!order.test) {
            statCount[buyer] = statCount[buyer]! + 1;
            if (!cancelledAt)
              statSpent[buyer] =
                statSpent[buyer]! +
                total -
                refunds.reduce((sum, refund) => sum + centsOf(refund.totalRefunded.shop), 0);
          }
        }
      }
    });
    await yieldToLoop();
  }

  applyCustomerStats(store, shopId, customerIdOf, statCount, statSpent, statLastUpdate);

  return {
    shopId,
    customers: customerCount,
    orders: orderCount,
    products: productCount,
    collections: collections.size,
    guestOrders,
    buyers,
    repeatBuyers,
    refundedOrders,
    cancelledOrders,
    discountedOrders,
    countries,
    presentmentCurrencies,
    firstOrderAt: orderCount ? new Date(orderTime[byTime[0]!]!).toISOString() : null,
    lastOrderAt: orderCount ? new Date(orderTime[byTime[orderCount - 1]!]!).toISOString() : null,
    durationMs: Date.now() - started,
  };
}

/**
 * Sets every customer's `amountSpent` / `numberOfOrders` / `updatedAt` in one SQL pass from per-customer totals
 * gathered while the orders were written (integer cents, so exact), with the rules of
 * `EmulatorStore.refreshCustomerStats` (the reference the tests compare with): test orders do not count,
 * cancelled orders count but add nothing, refunds are subtracted. Re-reading a million orders' JSON instead took
 * over a minute.
 */
function applyCustomerStats(
  store: EmulatorStore,
  shopId: number,
  customerIdOf: Float64Array,
  count: Uint32Array,
  spentCents: Float64Array,
  lastUpdate: Float64Array,
): void {
  store.db.exec(
    "CREATE TEMP TABLE IF NOT EXISTS demo_customer_stats (id INTEGER PRIMARY KEY, n INTEGER, spent INTEGER, last_update TEXT)",
  );
  store.db.exec("DELETE FROM demo_customer_stats");
  const insert = store.db.prepare("INSERT INTO demo_customer_stats (id, n, spent, last_update) VALUES (?, ?, ?, ?)");
  store.transaction(() => {
    for (let i = 0; i < customerIdOf.length; i += 1) {
      if (count[i]! === 0 && lastUpdate[i]! === 0) continue;
      insert.run(
        customerIdOf[i]!,
        count[i]!,
        spentCents[i]!,
        lastUpdate[i]! ? new Date(lastUpdate[i]!).toISOString() : null,
      );
    }
    store.db
      .prepare(
        `UPDATE customers
         SET data = json_set(data,
                    '$.amountSpent', (CASE WHEN s.spent < 0 THEN '-' ELSE '' END) || (abs(s.spent) / 100) || '.' || printf('%02d', abs(s.spent) % 100),
                    '$.numberOfOrders', s.n,
                    '$.updatedAt', max(customers.updated_at, coalesce(s.last_update, ''))),
             updated_at = max(customers.updated_at, coalesce(s.last_update, ''))
         FROM demo_customer_stats AS s
         WHERE customers.shop_id = ? AND customers.id = s.id`,
      )
      .run(shopId);
  });
  store.db.exec("DROP TABLE demo_customer_stats");
}
