/**
 * The sending side of the webhook-acknowledgement benchmark, in its own process: posts the deliveries listed in a
 * JSON file (`{ warmUp, deliveries }`, each `[{ headers, body }]`; the warm-up is sent first, untimed) to `url`, `concurrency` at a time over keep-alive connections, and prints the
 * latency of each (ms, send to full response) as one JSON line. Kept apart from the benchmark's own process,
 * which also runs the local Shopify the worker reads orders back from: a GraphQL request executing there would
 * otherwise delay the timing of responses that had already arrived. Node's `http` rather than `fetch`: the client
 * shares the machine's CPUs with the app, and undici's fetch costs several times more per request.
 */
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

const [url, file, concurrencyArg] = process.argv.slice(2);
if (!url || !file) throw new Error("usage: webhook-burst.ts <url> <deliveries.json> <concurrency>");
interface Delivery {
  headers: Record<string, string>;
  body: string;
}
const { warmUp, deliveries } = JSON.parse(readFileSync(file, "utf8")) as { warmUp: Delivery[]; deliveries: Delivery[] };
const concurrency = Math.max(1, Number(concurrencyArg ?? 10));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

function post(delivery: Delivery): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(delivery.body);
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
        response.once("end", () => {
          if (response.statusCode !== 200) reject(new Error(`delivery answered ${response.statusCode}`));
          else resolve(performance.now() - sent);
        });
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** Sends `list`, `concurrency` at a time; the latencies in order of completion. */
async function send(list: Delivery[]): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, list.length) }, async () => {
      while (next < list.length) latencies.push(await post(list[next++]!));
    }),
  );
  return latencies;
}

// Untimed: warms up both processes' compiled code and opens the connections, as a running server's earlier
// traffic would have.
await send(warmUp);
console.log(JSON.stringify({ phase: "burst" }));
const started = performance.now();
const cpuBefore = process.cpuUsage();
const latencies = await send(deliveries);
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
console.log(JSON.stringify({ latencies, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
