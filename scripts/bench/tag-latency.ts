/**
 * Order webhook → tag in Shopify, through the running app, in its own process:
 * `tag-latency.ts --provider sqlite|postgresql --per-second 50 --seconds 120`.
 *
 * A Plus shop (1,000 points/s: 50 tagsAdd a second at 10 points each need 500; Standard's 100 points/s allow 10)
 * with `per-second × seconds` customers who never ordered, backfilled; the merchant creates the segment
 * `amount_spent > 100` and switches its tagging on (nobody is a member yet). Each customer then places one order
 * of 150.00 in the local Shopify with its webhooks held back (chaos drop rate 1), and the benchmark delivers each
 * order's `orders/create`, rendered by the local Shopify, signed as Shopify signs, once, at `per-second`
 * (webhook-burst.ts `paced`, its own process). The worker applies it (the order read back, the metrics, the
 * segment's re-evaluation: the customer crosses 100), marks the outbox and pushes the tag with tagsAdd.
 *
 * Latency per webhook: from its send to the moment the local Shopify stores the customer with the tag (its store's
 * write, observed in this process). Also: the inbox's outcome per delivery (applied, rejected, pending) and the
 * acknowledgement latency. Prints one JSON line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { payloadForChange } from "../../tests/shopify-emulator/webhooks/payloads.js";
import type { CustomerRecord } from "../../tests/shopify-emulator/store/types.js";
import { LOCAL_API_SECRET, ROOT } from "../local-shopify.js";
import { inboxOutcome } from "./inbox-outcome.js";
import { latencySummary, percentile, type Outcome } from "./latency.js";
import { round2, startTagStack, tagOf } from "./tag-stack.js";

const { values } = parseArgs({
  options: {
    provider: { type: "string", default: "sqlite" },
    "per-second": { type: "string", default: "50" },
    seconds: { type: "string", default: "120" },
  },
});
const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const perSecond = Number(values["per-second"]);
const seconds = Number(values.seconds);
const deliveries = Math.round(perSecond * seconds);
const SHOP = "bench-tag-latency.myshopify.com";
const TOPIC = "orders/create";
const CONFIRM_TIMEOUT_MS = 60_000;

const tag = await startTagStack({ provider, shop: SHOP, plan: "PLUS", customers: deliveries, orders: 0 });
const { stack, db, shopId } = tag;
const work = mkdtempSync(join(tmpdir(), "cohort-tag-latency-"));
try {
  const customerIds = tag.customerIds.slice(0, deliveries);
  if (customerIds.length < deliveries) throw new Error(`seeded ${customerIds.length} customers of ${deliveries}`);
  await tag.cli(["segment", "create", SHOP, "VIP", "amount_spent > 100"]);
  const TAG = tagOf(await tag.cli(["tagging", SHOP, "VIP", "--state", "on"]));
  const membersBefore = await db.segmentMember.count({ where: { shop: SHOP } });

  // The orders exist in Shopify (the worker reads each back) but their own webhooks are held back: the benchmark
  // delivers them at its pace.
  await stack.control.setChaos(SHOP, { dropRate: 1 });
  const orderIds: number[] = [];
  for (const customerId of customerIds) {
    const order = await stack.control.createOrder(SHOP, {
      customerId,
      lineItems: [{ title: "Boots", price: "150.00", quantity: 1 }],
      financialStatus: "PAID",
    });
    orderIds.push(order.id);
  }
  await stack.emulator.webhooks.idle(60_000);
  await stack.control.clearChaos(SHOP);
  const store = stack.emulator.store;
  const shop = store.getShopByDomain(SHOP)!;
  const { apiVersion } = stack.emulator.webhooks.subscriptions();
  const bodies = orderIds.map((id) => JSON.stringify(payloadForChange(store, shop, TOPIC, id, null, apiVersion)));

  // When the local Shopify first stores each customer with the tag (tagsAdd writes the customer through putCustomer).
  const taggedAt = new Map<number, number>();
  const watched = new Set(customerIds);
  const putCustomer = store.putCustomer.bind(store);
  store.putCustomer = (id: number, customer: CustomerRecord, options?: { silent?: boolean }) => {
    const written = putCustomer(id, customer, options);
    if (id === shopId && watched.has(customer.id) && !taggedAt.has(customer.id) && customer.tags.includes(TAG)) {
      taggedAt.set(customer.id, Date.now());
    }
    return written;
  };

  const file = join(work, "deliveries.json");
  writeFileSync(
    file,
    JSON.stringify({
      url: `${stack.appUrl}/webhooks/${TOPIC}`,
      secret: LOCAL_API_SECRET,
      shop: SHOP,
      topic: TOPIC,
      warmUp: [],
      bodies,
    }),
  );
  console.error(`[bench] tag latency, ${provider}: ${deliveries} orders/create at ${perSecond}/s`);
  const sender = spawn(
    process.execPath,
    ["--import", "tsx", resolve(ROOT, "scripts/bench/webhook-burst.ts"), "paced", file, "50", String(perSecond)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  sender.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((done) => sender.once("exit", done));
  if (code !== 0) throw new Error(`the sender exited with ${code}`);
  const sent = JSON.parse(output.trim().split("\n").at(-1)!) as { outcomes: Outcome[]; wallMs: number };
  const sentAt = new Map(customerIds.map((id, index) => [id, sent.outcomes[index]!.sentAt]));
  const lastSent = Math.max(...sent.outcomes.map((outcome) => outcome.sentAt));
  while (taggedAt.size < customerIds.length && Date.now() - lastSent < CONFIRM_TIMEOUT_MS) {
    await new Promise((r) => setTimeout(r, 200));
  }

  const latencies = [...taggedAt].map(([id, at]) => at - sentAt.get(id)!).sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? round2(percentile(latencies, p)) : null);
  const eventIds = sent.outcomes.map((outcome) => outcome.eventId);
  const inbox = await inboxOutcome(db, SHOP, eventIds);
  const ack = latencySummary(sent.outcomes);
  console.log(
    JSON.stringify({
      benchmark: "tag-latency",
      provider,
      plan: "PLUS",
      topic: TOPIC,
      perSecond,
      seconds,
      deliveries,
      sentPerSecond: round2(deliveries / (sent.wallMs / 1000)),
      backfillSeconds: round2(tag.backfillSeconds),
      membersBefore,
      membersAfter: await db.segmentMember.count({ where: { shop: SHOP } }),
      confirmed: latencies.length,
      notConfirmed: customerIds.length - latencies.length,
      confirmTimeoutSeconds: CONFIRM_TIMEOUT_MS / 1000,
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs: at(100),
      ackP50Ms: ack.p50Ms,
      ackP99Ms: ack.p99Ms,
      non200: ack.non200,
      inbox,
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
  await tag.close();
}
