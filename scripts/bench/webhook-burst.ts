/**
 * The sending side of the webhook-acknowledgement benchmark, in its own process. It reads a JSON file
 * (`{ url, secret, shop, topic, warmUp, bodies }`, bodies as raw JSON text), signs each delivery as Shopify does
 * (unique event and webhook ids) and posts them over keep-alive connections:
 *
 * - `burst <file> <concurrency>`: the warm-up first (untimed), then every body once, signed beforehand,
 *   `concurrency` in flight;
 * - `stream <file> <concurrency> <per-second>`: the bodies in turn, again and again (each send a new event), at most
 *   `per-second` a second, until this process gets SIGTERM (the benchmark sends it when the load it measures ends);
 * - `paced <file> <concurrency> <per-second>`: every body once, in order, at most `per-second` a second; the
 *   outcomes in the bodies' order (the tag benchmark matches each to its customer).
 *
 * It prints the latency (ms, send to full response) and HTTP status of each delivery as one JSON line. Kept apart
 * from the benchmark's own process, which runs the local Shopify the worker reads orders back from: a GraphQL
 * request executing there would otherwise delay the timing of responses that had already arrived. Node's `http`
 * rather than `fetch`: the client shares the machine's CPUs with the app, and undici's fetch costs several times
 * more per request.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { signedWebhook } from "../../tests/helpers/webhooks.js";

const [mode, file, concurrencyArg, perSecondArg] = process.argv.slice(2);
if ((mode !== "burst" && mode !== "stream" && mode !== "paced") || !file) {
  throw new Error("usage: webhook-burst.ts burst|stream|paced <deliveries.json> <concurrency> [per-second]");
}
interface Plan {
  url: string;
  secret: string;
  shop: string;
  topic: string;
  warmUp: string[];
  bodies: string[];
}
interface Delivery {
  headers: Record<string, string>;
  body: string;
}
interface Outcome {
  eventId: string;
  /** When it was sent (epoch ms): the benchmark places it in the phases it observed. */
  sentAt: number;
  ms: number;
  status: number;
}
const plan = JSON.parse(readFileSync(file, "utf8")) as Plan;
const concurrency = Math.max(1, Number(concurrencyArg ?? 10));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(plan.url);

/** Each send is a new event (its own event and webhook ids), signed over the body's bytes as Shopify signs. */
const sign = (body: string): Delivery =>
  signedWebhook({ topic: plan.topic, shop: plan.shop, payload: JSON.parse(body) as unknown, secret: plan.secret });

/** Posts one delivery; a connection error counts as status 0 (the delivery was not acknowledged). */
function post(delivery: Delivery): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = Buffer.from(delivery.body);
    const eventId = delivery.headers["x-shopify-event-id"]!;
    const sentAt = Date.now();
    const sent = performance.now();
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { ...delivery.headers, "content-length": body.length },
      },
      (response) => {
        response.resume();
        response.once("end", () =>
          resolve({ eventId, sentAt, ms: performance.now() - sent, status: response.statusCode ?? 0 }),
        );
      },
    );
    req.once("error", () => resolve({ eventId, sentAt, ms: performance.now() - sent, status: 0 }));
    req.end(body);
  });
}

/** Sends `list`, `concurrency` at a time; the outcomes in order of completion. */
async function send(list: Delivery[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, list.length) }, async () => {
      while (next < list.length) outcomes.push(await post(list[next++]!));
    }),
  );
  return outcomes;
}

function print(outcomes: Outcome[], wallMs: number, cpu: NodeJS.CpuUsage): void {
  console.log(
    JSON.stringify({
      outcomes,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
    }),
  );
}

// Untimed: warms up both processes' compiled code and opens the connections, as a running server's earlier
// traffic would have.
await send(plan.warmUp.map(sign));
if (mode === "burst") {
  const deliveries = plan.bodies.map(sign);
  console.log(JSON.stringify({ phase: "burst" }));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const outcomes = await send(deliveries);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  print(outcomes, wallMs, cpu);
} else if (mode === "paced") {
  const perSecond = Math.max(1, Number(perSecondArg ?? 50));
  const outcomes: Outcome[] = new Array<Outcome>(plan.bodies.length);
  console.log(JSON.stringify({ phase: "paced" }));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, plan.bodies.length) }, async () => {
      while (next < plan.bodies.length) {
        const index = next;
        const due = started + (index / perSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (next !== index) continue;
        }
        next += 1;
        outcomes[index] = await post(sign(plan.bodies[index]!));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  print(outcomes, wallMs, cpu);
} else {
  const perSecond = Math.max(1, Number(perSecondArg ?? 100));
  const outcomes: Outcome[] = [];
  let stopping = false;
  process.once("SIGTERM", () => (stopping = true));
  console.log(JSON.stringify({ phase: "stream" }));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopping) {
        // Paced: delivery n goes out no earlier than n / perSecond seconds after the start.
        const due = started + (sent / perSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        const body = plan.bodies[sent++ % plan.bodies.length]!;
        outcomes.push(await post(sign(body)));
      }
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  print(outcomes, wallMs, cpu);
}
