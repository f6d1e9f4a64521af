import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { ROOT } from "../../scripts/local-shopify.js";
import { loopbackOnlyNodeOptions } from "../setup/loopback-only-options.js";

export interface DemoSegmentsRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What `npm run dev` does after opening the app in the demo shop: scripts/demo-segments.ts with the app's env. */
export function runDemoSegments(
  shop: string,
  env: Record<string, string>,
  flags: readonly string[] = [],
): Promise<DemoSegmentsRun> {
  return new Promise((done) => {
    execFile(
      resolve(ROOT, "node_modules/.bin/tsx"),
      [resolve(ROOT, "scripts/demo-segments.ts"), shop, ...flags],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: loopbackOnlyNodeOptions(), NODE_ENV: "development", ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}
