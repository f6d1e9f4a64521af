/**
 * `npm run dev`: the whole app on this machine, with no internet. Applies the embedded database's migrations,
 * starts the local Shopify with a demo store (about 2,000 customers and 10,000 orders, made once and kept in
 * data/emulator.db), installs the app into it, starts the app, and prints the local admin URL. Writes the app's
 * local environment to .env, where `npm run cohort` reads it. `--verbose` also prints the shop's offline token.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyMigrations } from "../app/db/migrate.server.js";
import { ENV_FILE_NAME, writeLocalEnvFile } from "./local-env-file.js";
import { LOCAL_API_SECRET, localAppEnv, readAppToml, ROOT } from "./local-shopify.js";

const { values } = parseArgs({
  options: {
    "app-port": { type: "string", default: process.env.PORT ?? "3000" },
    "emulator-port": { type: "string", default: process.env.EMULATOR_PORT ?? "4500" },
    shop: { type: "string", default: "demo" },
    customers: { type: "string", default: "2000" },
    orders: { type: "string", default: "10000" },
    verbose: { type: "boolean", default: false },
  },
});

// 127.0.0.1 for both, so the framed app is same-site with the local admin and keeps its storage.
const appUrl = `http://127.0.0.1:${values["app-port"]}`;
const emulatorUrl = `http://127.0.0.1:${values["emulator-port"]}`;
const databaseUrl = process.env.DATABASE_URL ?? "file:./data/cohort.db";
const toml = readAppToml();
const children: ChildProcess[] = [];

function run(command: string, args: string[], env: Record<string, string>, onLine?: (line: string) => void) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    process.stdout.write(chunk);
    for (const line of chunk.split("\n")) onLine?.(line);
  });
  child.on("exit", (code) => {
    if (code !== null && code !== 0) {
      console.error(`[dev] ${command} ${args.join(" ")} exited with ${code}`);
      shutdown(code);
    }
  });
  return child;
}

function shutdown(code = 0): void {
  for (const child of children) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

const migrations = await applyMigrations(databaseUrl);
console.log(`[dev] database ${databaseUrl}: ${migrations.applied.length} migration(s) applied`);

const appEnv = localAppEnv({ appUrl, emulatorUrl, databaseUrl });
const envFile = resolve(ROOT, ENV_FILE_NAME);
const envFileWrite = writeLocalEnvFile(envFile, appEnv);
console.log(
  envFileWrite === "kept"
    ? `[dev] ${ENV_FILE_NAME} was not written by npm run dev: kept as it is (npm run cohort reads it)`
    : `[dev] the app's local environment is in ${ENV_FILE_NAME} (${envFileWrite}), for npm run cohort`,
);

const tsx = resolve(ROOT, "node_modules/.bin/tsx");
const adminUrl = await new Promise<string>((resolveAdmin) => {
  run(
    tsx,
    [
      "tests/shopify-emulator/cli.ts",
      "--port",
      values["emulator-port"]!,
      "--app-url",
      appUrl,
      "--api-key",
      toml.client_id,
      "--api-secret",
      LOCAL_API_SECRET,
      "--toml",
      "shopify.app.toml",
      "--db",
      "data/emulator.db",
      "--seed-shop",
      values.shop!,
      "--customers",
      values.customers!,
      "--orders",
      values.orders!,
      ...(values.verbose ? ["--verbose"] : []),
    ],
    {},
    (line) => {
      const match = /admin: (\S+)/.exec(line);
      if (match) resolveAdmin(match[1]!);
    },
  );
});

/**
 * Opens the app once in the demo shop's admin, as the merchant's first visit would: the token exchange installs
 * Cohort on the shop and starts its backfill, so the demo has synced data (and `npm run cohort -- status`
 * answers) before anyone opens a browser.
 */
async function openAppOnce(shopHandle: string): Promise<void> {
  const shop = `${shopHandle}.myshopify.com`;
  const minted = await fetch(`${emulatorUrl}/_emulator/shops/${shopHandle}/session-token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const { token } = (await minted.json()) as { token: string };
  const host = Buffer.from(`admin.shopify.com/store/${shopHandle}`).toString("base64").replace(/=+$/, "");
  const params = new URLSearchParams({ embedded: "1", shop, host, id_token: token, locale: "en" });
  const response = await fetch(`${appUrl}/app?${params}`, {
    // A browser's user agent: Shopify's library answers bots with 410.
    headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36 cohort-dev" },
  });
  await response.arrayBuffer();
  console.log(
    response.ok
      ? `[dev] opened Cohort once in ${shop}'s admin: installed, backfill started`
      : `[dev] opening Cohort in ${shop}'s admin answered ${response.status}; open the admin URL to install it`,
  );
  if (!response.ok) return;
  await demoScript(shop, []);
  // In the background: the orders wait until the worker's first push has tagged some VIP members.
  void demoScript(shop, ["--orders"]);
}

/**
 * One segment per template in the demo shop (scripts/demo-segments.ts), evaluated again when the backfill ends, with
 * automatic tagging on for a few of them (the worker writes their `cohort:*` tags into the local Shopify) and a
 * discount for the VIPs; with --orders, a few orders with the VIP code.
 */
function demoScript(shop: string, flags: string[]): Promise<void> {
  return new Promise((done) => {
    const child = spawn(tsx, ["scripts/demo-segments.ts", shop, ...flags], {
      cwd: ROOT,
      env: { ...process.env, ...appEnv },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.on("exit", (code) => {
      if (code !== 0) console.error(`[dev] scripts/demo-segments.ts ${flags.join(" ")} failed (exit ${code})`);
      done();
    });
  });
}

run(
  resolve(ROOT, "node_modules/.bin/remix"),
  ["vite:dev", "--port", values["app-port"]!],
  { ...appEnv, PORT: values["app-port"]! },
  (line) => {
    if (/Local:\s+http/.test(line)) {
      openAppOnce(values.shop!)
        .catch((error: unknown) => console.error(`[dev] could not open Cohort in the admin: ${String(error)}`))
        .finally(() => console.log(`\n  Cohort is running. Open the local Shopify admin:\n\n    ${adminUrl}\n`));
    }
  },
);
