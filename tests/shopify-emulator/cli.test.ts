import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** The local Shopify's output until it prints the admin URL (it is then stopped). */
function outputUntilReady(extraArgs: string[]): Promise<string> {
  const child = spawn(
    resolve(ROOT, "node_modules/.bin/tsx"),
    [
      "tests/shopify-emulator/cli.ts",
      ...["--port", "0", "--db", ":memory:", "--seed-shop", "token-test", "--customers", "1", "--orders", "1"],
      ...extraArgs,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  return new Promise((resolveOutput, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (/admin: \S+\n/.test(output)) {
        child.kill("SIGTERM");
        resolveOutput(output);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the local Shopify exited (${code}) before it was ready:\n${output}`)));
  });
}

describe("the local Shopify's command line", () => {
  it("given a seeded shop, when started without --verbose, then the offline access token is not printed", async () => {
    const output = await outputUntilReady([]);
    expect(output).toContain("app installed on token-test.myshopify.com");
    expect(output).not.toMatch(/shpat_|offline token \S{8,}/);
  });

  it("given a seeded shop, when started with --verbose, then the offline access token is printed", async () => {
    expect(await outputUntilReady(["--verbose"])).toMatch(/offline token shpat_\w+/);
  });
});
