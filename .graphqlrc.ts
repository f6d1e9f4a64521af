/**
 * GraphQL codegen for the Admin API documents in app/ (`npm run graphql-codegen`). The API version is the app's one
 * constant; the schema is the vendored 2026-10 introspection (Shopify's proxy cannot be reached from here), written
 * uncompressed to .cache/ by scripts/codegen-schema.ts.
 */
import { ApiType, shopifyApiProject } from "@shopify/api-codegen-preset";
import { SHOPIFY_API_VERSION } from "./app/lib/api-version.js";

const project = shopifyApiProject({
  apiType: ApiType.Admin,
  apiVersion: SHOPIFY_API_VERSION,
  documents: ["./app/**/*.{ts,tsx}", "!./app/generated/**", "!./app/types/**"],
  outputDir: "./app/types",
});

const localSchema = `./.cache/admin_${SHOPIFY_API_VERSION}.json`;
const codegen = project.extensions?.codegen as { generates: Record<string, { schema?: unknown }> };
for (const output of Object.values(codegen.generates)) output.schema = localSchema;

export default {
  projects: {
    default: { ...project, schema: localSchema },
  },
};
