/** Writes the vendored Admin schema uncompressed for GraphQL codegen (which cannot read .gz). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { SHOPIFY_API_VERSION } from "../app/lib/api-version.js";

const root = resolve(import.meta.dirname, "..");
const source = resolve(root, "tests/shopify-emulator/schema", `admin_${SHOPIFY_API_VERSION}.json.gz`);
const target = resolve(root, ".cache", `admin_${SHOPIFY_API_VERSION}.json`);
mkdirSync(resolve(root, ".cache"), { recursive: true });
writeFileSync(target, gunzipSync(readFileSync(source)));
console.log(`wrote ${target}`);
