/**
 * The calling app's released Functions and its reserved metafield namespace. On Shopify, `shopify app deploy`
 * releases each Function extension under the app; here they are read from the repository's `extensions/*` tomls
 * (unless the config lists them), with ids derived from the app's key and the handle so they stay stable.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import type { EmulatedApp, EmulatedFunction } from "../../context.js";

const EXTENSIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "extensions");

/** Function targets → Shopify's `apiType` (the unified Discount API's two targets are both `discount`). */
const API_TYPE_OF_TARGET: Readonly<Record<string, string>> = {
  "cart.lines.discounts.generate.run": "discount",
  "cart.delivery-options.discounts.generate.run": "discount",
  "cart.transform.run": "cart_transform",
  "cart.validations.generate.run": "cart_checkout_validation",
  "cart.payment-methods.transform.run": "payment_customization",
  "cart.delivery-options.transform.run": "delivery_customization",
};

/** The Function APIs a discount can use, in the order Shopify's error lists them. */
export const DISCOUNT_FUNCTION_APIS = ["product_discounts", "order_discounts", "shipping_discounts", "discount"];

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A UUID-shaped id (Shopify's Function ids are UUIDs), the same for the same app and handle. */
function functionId(apiKey: string, handle: string): string {
  const hex = digest(`${apiKey}:${handle}`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The app's numeric id (`gid://shopify/App/<id>`), derived from its key. */
export function appNumericId(app: EmulatedApp): number {
  return Number.parseInt(digest(`app:${app.apiKey}`).slice(0, 10), 16);
}

function repositoryFunctions(app: EmulatedApp): EmulatedFunction[] {
  if (!existsSync(EXTENSIONS_DIR)) return [];
  const functions: EmulatedFunction[] = [];
  for (const entry of readdirSync(EXTENSIONS_DIR, { withFileTypes: true })) {
    const tomlPath = join(EXTENSIONS_DIR, entry.name, "shopify.extension.toml");
    if (!entry.isDirectory() || !existsSync(tomlPath)) continue;
    const toml = parseToml(readFileSync(tomlPath, "utf8")) as {
      extensions?: { handle?: string; type?: string; targeting?: { target?: string }[] }[];
    };
    for (const extension of toml.extensions ?? []) {
      if (extension.type !== "function" || !extension.handle) continue;
      const target = extension.targeting?.[0]?.target ?? "";
      functions.push({
        id: functionId(app.apiKey, extension.handle),
        handle: extension.handle,
        title: extension.handle,
        apiType: API_TYPE_OF_TARGET[target] ?? "unknown",
      });
    }
  }
  return functions;
}

const cache = new Map<string, EmulatedFunction[]>();

export function appFunctions(app: EmulatedApp): EmulatedFunction[] {
  if (app.functions) return app.functions;
  let functions = cache.get(app.apiKey);
  if (!functions) {
    functions = repositoryFunctions(app);
    cache.set(app.apiKey, functions);
  }
  return functions;
}

/** `$app` → `app--<id>`, `$app:cohort` → `app--<id>--cohort` (the app's reserved namespace); others unchanged. */
export function resolveNamespace(namespace: string, app: EmulatedApp): string {
  if (namespace === "$app") return `app--${appNumericId(app)}`;
  if (namespace.startsWith("$app:")) return `app--${appNumericId(app)}--${namespace.slice("$app:".length)}`;
  return namespace;
}
