import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { localAppEnv, ROOT } from "../../scripts/local-shopify.js";
import { freePort, SERVER_BUILD } from "../helpers/app-stack.js";

function startBuiltApp(env: Record<string, string>) {
  return spawnSync(process.execPath, [resolve(ROOT, "node_modules/@remix-run/serve/dist/cli.js"), SERVER_BUILD], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", HOST: "127.0.0.1", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("starting the app", () => {
  it("given a missing and a malformed variable, when the app starts, then it stops with a message naming both", async () => {
    const env = localAppEnv({
      appUrl: "http://127.0.0.1:1",
      emulatorUrl: "http://127.0.0.1:2",
      databaseUrl: "mysql://nope",
    });
    delete env.SHOPIFY_API_SECRET;
    const result = startBuiltApp({ ...env, PORT: String(await freePort()) });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Invalid environment");
    expect(result.stderr).toContain("SHOPIFY_API_SECRET is required");
    expect(result.stderr).toContain("DATABASE_URL must start with file: (SQLite) or postgresql://");
  });
});
