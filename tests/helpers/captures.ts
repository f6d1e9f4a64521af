import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Real Shopify captures live beside the repository (`../shared/shopify-captures`, as on every developer machine
 * and in CI). In CI their absence fails the run; elsewhere tests that need them skip with a notice.
 */
export const CAPTURES_DIR = resolve(
  process.env.SHOPIFY_CAPTURES_DIR ?? resolve(import.meta.dirname, "..", "..", "..", "shared", "shopify-captures"),
);

export function capturesAvailable(): boolean {
  const present = existsSync(resolve(CAPTURES_DIR, "README.md"));
  if (!present && process.env.CI) throw new Error(`Shopify captures are required in CI but missing at ${CAPTURES_DIR}`);
  return present;
}
