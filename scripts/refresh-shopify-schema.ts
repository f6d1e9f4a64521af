/**
 * Vendors the Admin GraphQL and Shopify Function API schemas the local Shopify validates against.
 *
 *   npx tsx scripts/refresh-shopify-schema.ts            # uses the pinned @shopify/dev-mcp
 *   DEV_MCP_VERSION=1.17.0 npx tsx scripts/refresh-shopify-schema.ts
 *
 * The schemas ship inside the `@shopify/dev-mcp` npm package (`dist/data/*.json.gz`, introspection results).
 * The package is fetched with `npm pack` into a temporary directory; the app never depends on it at run time.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SHOPIFY_API_VERSION } from "../app/lib/api-version.js";

const PINNED_DEV_MCP_VERSION = "1.16.0";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const schemaDir = join(repoRoot, "tests", "shopify-emulator", "schema");

function fetchPackageData(version: string): { dataDir: string; cleanup: () => void } {
  const work = mkdtempSync(join(tmpdir(), "dev-mcp-"));
  const cleanup = (): void => rmSync(work, { recursive: true, force: true });
  try {
    const tarball = execFileSync("npm", ["pack", `@shopify/dev-mcp@${version}`, "--silent"], {
      cwd: work,
      encoding: "utf8",
    })
      .trim()
      .split("\n")
      .pop();
    if (!tarball) throw new Error("npm pack printed no tarball name");
    execFileSync("tar", ["-xzf", tarball], { cwd: work });
    return { dataDir: join(work, "package", "dist", "data"), cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

function schemaFilesFor(dataDir: string, apiVersion: string): string[] {
  const admin = `admin_${apiVersion}.json.gz`;
  const functions = readdirSync(dataDir).filter(
    (name) => name.startsWith("functions_") && name.endsWith(`_${apiVersion}.json.gz`),
  );
  if (!existsSync(join(dataDir, admin)))
    throw new Error(`${admin} is not in @shopify/dev-mcp; pick a newer package version`);
  return [admin, ...functions.sort()];
}

function readme(devMcpVersion: string, apiVersion: string, files: string[]): string {
  return `# Vendored Shopify schemas (API version ${apiVersion})

GraphQL introspection results (gzipped JSON, \`{"data": {"__schema": …}}\` or \`{"__schema": …}\`) that the local
Shopify (\`tests/shopify-emulator/\`) loads with graphql-js \`buildClientSchema\` to parse, validate and cost requests
exactly against Shopify's real schema.

- Source: the npm package \`@shopify/dev-mcp@${devMcpVersion}\` (Shopify's own dev MCP server), folder \`dist/data/\`.
- Version: follows \`SHOPIFY_API_VERSION\` in \`app/lib/api-version.ts\` (now \`${apiVersion}\`).
- Files:
${files.map((file) => `  - \`${file}\`${file.startsWith("admin_") ? " — Admin GraphQL API" : " — Shopify Function input/output API"}`).join("\n")}

The app does not depend on \`@shopify/dev-mcp\`; the package is only downloaded (\`npm pack\`) while refreshing.

## Refresh

\`\`\`sh
npm run schema:refresh                                   # same as: npx tsx scripts/refresh-shopify-schema.ts
DEV_MCP_VERSION=<newer> npx tsx scripts/refresh-shopify-schema.ts   # when a new API version needs a newer package
\`\`\`

Run it after changing \`SHOPIFY_API_VERSION\`, then bump the pinned version in the script if you used
\`DEV_MCP_VERSION\`, and commit the changed files here.
`;
}

function main(): void {
  const devMcpVersion = process.env.DEV_MCP_VERSION ?? PINNED_DEV_MCP_VERSION;
  const localData = process.env.DEV_MCP_DATA_DIR;
  const { dataDir, cleanup } = localData
    ? { dataDir: localData, cleanup: () => undefined }
    : fetchPackageData(devMcpVersion);
  try {
    const files = schemaFilesFor(dataDir, SHOPIFY_API_VERSION);
    mkdirSync(schemaDir, { recursive: true });
    for (const stale of readdirSync(schemaDir).filter((name) => name.endsWith(".json.gz")))
      rmSync(join(schemaDir, stale));
    for (const file of files) copyFileSync(join(dataDir, file), join(schemaDir, file));
    writeFileSync(join(schemaDir, "README.md"), readme(devMcpVersion, SHOPIFY_API_VERSION, files));
    console.log(`Vendored ${files.length} schema files from @shopify/dev-mcp@${devMcpVersion} into ${schemaDir}`);
  } finally {
    cleanup();
  }
}

main();
