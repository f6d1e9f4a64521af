import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { getAdminSchema } from "../shopify-emulator/graphql/schema.js";

/** Every Admin GraphQL document in app/ is a template literal that starts with `#graphql`. */
function findDocuments(dir: string): Array<{ file: string; source: string }> {
  const found: Array<{ file: string; source: string }> = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === "generated" || entry === "node_modules") continue;
    if (statSync(path).isDirectory()) {
      found.push(...findDocuments(path));
    } else if (/\.(ts|tsx)$/.test(entry) && !entry.endsWith(".test.ts")) {
      const text = readFileSync(path, "utf8");
      for (const match of text.matchAll(/`(#graphql[\s\S]*?)`/g)) {
        found.push({ file: relative(process.cwd(), path), source: match[1]! });
      }
    }
  }
  return found;
}

const documents = findDocuments("app");

describe("GraphQL documents the app sends", () => {
  it("given the app's source, when scanned, then documents are found", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((document) => [document.file, document.source] as const))(
    "given %s, when validated against the real 2026-10 Admin schema, then it has no errors",
    (_file, source) => {
      expect(source).not.toMatch(/\$\{/);
      const errors = validate(getAdminSchema(), parse(source)).map((error) => error.message);
      expect(errors).toEqual([]);
    },
  );
});
