import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

/** End-to-end and browser tests run the production build; it is made once per test run. */
export default function buildApp(): void {
  if (process.env.COHORT_SKIP_BUILD === "1") return;
  const root = resolve(import.meta.dirname, "..", "..");
  execFileSync(process.execPath, [resolve(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
}
