import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { localAppEnv, localEmulatorConfig, ROOT } from "../../scripts/local-shopify.js";
import { BLOCKED_MARKER, loopbackOnlyNodeOptions } from "../setup/loopback-only-options.js";
import { mintSessionToken } from "../shopify-emulator/auth/session-token.js";
import { EmulatorClient } from "../shopify-emulator/client.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";
import type { Database } from "../../app/db/client.server.js";

/**
 * The whole system for end-to-end tests: the local Shopify in this process and the built app (`server.js`, as
 * in production) in a child process, wired exactly as `npm run dev` wires them.
 */
export interface AppStack {
  emulator: RunningEmulator;
  control: EmulatorClient;
  appUrl: string;
  /** The app process's id (changes with `restart`). */
  pid: number;
  databaseUrl: string;
  logs: string[];
  /** Kills the app process (and the separate worker) at once, as a crash would: no shutdown, nothing flushed. */
  crash(): Promise<void>;
  /** Starts the app again after `crash`, on the same port, database and local Shopify. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, logs: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited with ${child.exitCode}:\n${logs.join("")}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`The app did not answer at ${url} within ${timeoutMs} ms:\n${logs.join("")}`);
}

export const SERVER_BUILD = resolve(ROOT, "build/server/index.js");

export async function startAppStack(options: {
  databaseUrl: string;
  timeScale?: number;
  extraEnv?: Record<string, string>;
  /** Runs the background work as in production: the web process with COHORT_BACKGROUND=off, `npm run worker` beside. */
  separateWorker?: boolean;
  /** Extra `node` flags for the app process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}): Promise<AppStack> {
  if (!existsSync(SERVER_BUILD)) throw new Error("No app build: the test global setup runs `remix vite:build`");
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const emulator = await startEmulator({
    store: new EmulatorStore(),
    config: localEmulatorConfig(appUrl, { timeScale: options.timeScale ?? 0.001 }),
  });
  const logs: string[] = [];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    // The app and the worker may reach loopback only, as the tests may; stop() fails on any refused attempt.
    NODE_OPTIONS: loopbackOnlyNodeOptions(),
    NODE_ENV: "production",
    PORT: String(appPort),
    HOST: "127.0.0.1",
    ...localAppEnv({ appUrl, emulatorUrl: emulator.url, databaseUrl: options.databaseUrl }),
    ...(options.separateWorker ? { COHORT_BACKGROUND: "off" } : {}),
    ...options.extraEnv,
  };
  let child!: ChildProcess;
  let worker = null as ChildProcess | null;
  const spawnApp = (): void => {
    child = spawn(process.execPath, [...(options.nodeArgs ?? []), resolve(ROOT, "server.js"), SERVER_BUILD], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
    worker = options.separateWorker
      ? spawn(resolve(ROOT, "node_modules/.bin/tsx"), [resolve(ROOT, "scripts/worker.ts")], {
          cwd: ROOT,
          env: { ...env, COHORT_BACKGROUND: "on" },
          stdio: ["ignore", "pipe", "pipe"],
        })
      : null;
    worker?.stdout?.on("data", (chunk: Buffer) => logs.push(`[worker] ${chunk.toString()}`));
    worker?.stderr?.on("data", (chunk: Buffer) => logs.push(`[worker] ${chunk.toString()}`));
  };
  const exited = (process: ChildProcess | null): Promise<unknown> =>
    process === null || process.exitCode !== null || process.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => process.once("exit", r));
  spawnApp();
  try {
    await waitForHttp(`${appUrl}/`, child, logs);
  } catch (error) {
    child.kill("SIGKILL");
    worker?.kill("SIGKILL");
    await emulator.close();
    throw error;
  }
  const stack: AppStack = {
    emulator,
    control: new EmulatorClient(emulator.url),
    appUrl,
    pid: child.pid!,
    databaseUrl: options.databaseUrl,
    logs,
    async crash() {
      const gone = Promise.all([exited(child), exited(worker)]);
      child.kill("SIGKILL");
      worker?.kill("SIGKILL");
      await gone;
      logs.push("[app-stack] app killed with SIGKILL\n");
    },
    async restart() {
      spawnApp();
      stack.pid = child.pid!;
      await waitForHttp(`${appUrl}/`, child, logs);
    },
    async stop() {
      const gone = Promise.all([exited(child), exited(worker)]);
      child.kill("SIGTERM");
      worker?.kill("SIGTERM");
      await gone;
      await emulator.close();
      emulator.store.close();
      // An event that failed and rested shows as a slow test: say which and why, even when the test passed.
      const failedEvents = logs.filter((line) => /\[inbox\] .* failed \(attempt/.test(line));
      if (failedEvents.length > 0) console.warn(`Webhook events failed in this stack:\n${failedEvents.join("")}`);
      const blocked = logs.filter((line) => line.includes(BLOCKED_MARKER));
      if (blocked.length > 0) throw new Error(`The app tried to leave this machine:\n${blocked.join("")}`);
    },
  };
  return stack;
}

/** Shopify's library refuses bots (410); the admin is a merchant's browser. */
export const BROWSER_HEADERS = {
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36",
};

/**
 * The merchant opens Cohort in the shop's admin: a session token, the token exchange, afterAuth. Answers the app's
 * response (200 when the shop is installed and the offline session stored).
 */
export async function openEmbeddedApp(stack: AppStack, shop: string): Promise<Response> {
  const token = mintSessionToken(stack.emulator.context, { shopDomain: shop });
  const host = Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`)
    .toString("base64")
    .replace(/=+$/, "");
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: token });
  return fetch(`${stack.appUrl}/app?${params}`, { headers: BROWSER_HEADERS });
}

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until every webhook of the shop is applied. Longer than an event rests after its first failed attempt (5 s),
 * so one transient failure does not fail the test; a real one names the events still pending and shows the app's log.
 */
export async function inboxDrained(
  db: Pick<Database, "webhookEvent">,
  stack: AppStack,
  shop: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () => (await db.webhookEvent.count({ where: { shop, processedAt: null } })) === 0,
    timeoutMs,
  ).catch(async (error: unknown) => {
    const pending = await db.webhookEvent.findMany({
      where: { shop, processedAt: null },
      select: { topic: true, attempts: true, error: true, claimedUntil: true },
    });
    throw new Error(`${String(error)}: still pending ${JSON.stringify(pending)}\n${stack.logs.join("")}`);
  });
}
