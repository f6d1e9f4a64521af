/**
 * Webhook acknowledgement latency: a burst of deliveries (default 1,000, all in flight at once, as Shopify's
 * fan-out can be) against the built app, each signed and unique; latency is measured per delivery from send to
 * response. Prints one JSON line with the figures.
 */
import { parseArgs } from "node:util";
import { startAppStack } from "../../tests/helpers/app-stack.js";
import { freshDatabase } from "../../tests/helpers/databases.js";
import { signedWebhook } from "../../tests/helpers/webhooks.js";

const { values } = parseArgs({
  options: {
    deliveries: { type: "string", default: "1000" },
    provider: { type: "string", default: "sqlite" },
    concurrency: { type: "string", default: "1000" },
    background: { type: "string", default: "on" },
  },
});

const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const database = await freshDatabase(provider);
const stack = await startAppStack({
  databaseUrl: database.url,
  extraEnv: { COHORT_BACKGROUND: values.background === "off" ? "off" : "on" },
});
const concurrency = Math.max(1, Number(values.concurrency));
const shop = "bench.myshopify.com";
const count = Number(values.deliveries);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  // Warm up: the first requests pay for module initialisation and connection set-up.
  for (let i = 0; i < 20; i += 1) {
    const warm = signedWebhook({ topic: "orders/updated", shop, payload: { id: i, warm: true } });
    await fetch(`${stack.appUrl}/webhooks/orders/updated`, { method: "POST", headers: warm.headers, body: warm.body });
  }
  const deliveries = Array.from({ length: count }, (_, i) =>
    signedWebhook({
      topic: "orders/updated",
      shop,
      payload: {
        id: 100_000 + i,
        admin_graphql_api_id: `gid://shopify/Order/${100_000 + i}`,
        updated_at: new Date().toISOString(),
      },
    }),
  );
  const started = performance.now();
  const latencies: number[] = [];
  let next = 0;
  // `concurrency` deliveries in flight at once (Shopify spreads a shop's deliveries over a few connections).
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++]!;
        const sent = performance.now();
        const response = await fetch(`${stack.appUrl}/webhooks/orders/updated`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`delivery answered ${response.status}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      benchmark: "webhook-ack",
      provider,
      deliveries: count,
      concurrency,
      background: values.background,
      p50Ms: Number(percentile(sorted, 50).toFixed(2)),
      p99Ms: Number(percentile(sorted, 99).toFixed(2)),
      maxMs: Number(sorted[sorted.length - 1]!.toFixed(2)),
      wallMs: Number(wallMs.toFixed(1)),
      perSecond: Math.round(count / (wallMs / 1000)),
    }),
  );
} finally {
  await stack.stop();
  await database.drop();
}
