import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Kind, parse, validate, visit, type DefinitionNode, type DocumentNode } from "graphql";
import { describe, expect, it } from "vitest";
import { getAdminSchema } from "../../shopify-emulator/graphql/schema.js";

/**
 * Every Admin GraphQL document in app/ is written as template literals that start with `#graphql`, without `${}`
 * interpolation: an operation, or a fragment that documents spread and append (`OPERATION + FRAGMENT`). Two checks:
 * each written operation with the fragments it spreads is valid against the real schema, and each exported
 * document — what the app actually sends — is valid whole (all its fragments appended, none unused).
 */
interface Written {
  file: string;
  source: string;
}

function findDocuments(dir: string): Written[] {
  const found: Written[] = [];
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

const written = findDocuments("app");

/** Fragment definitions of all written documents, by name. */
const fragments = new Map<string, DefinitionNode>();
for (const { source } of written) {
  if (/\$\{/.test(source)) continue; // reported by the test below
  for (const definition of parse(source).definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
}

/** A written document with every fragment it spreads, transitively, from the other written documents. */
function withSpreadFragments(document: DocumentNode): DocumentNode {
  const definitions = [...document.definitions];
  const included = new Set(
    definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [definition.name.value] : [])),
  );
  for (let index = 0; index < definitions.length; index += 1) {
    visit(definitions[index]!, {
      FragmentSpread(node) {
        const fragment = fragments.get(node.name.value);
        if (!fragment || included.has(node.name.value)) return;
        included.add(node.name.value);
        definitions.push(fragment);
      },
    });
  }
  return { ...document, definitions };
}

const isOperation = (source: string): boolean =>
  parse(source).definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION);

/** The `#graphql` operations the modules holding written documents export (composed documents included). */
async function exportedDocuments(): Promise<Array<{ name: string; source: string }>> {
  const files = [...new Set(written.map((document) => document.file))];
  const found: Array<{ name: string; source: string }> = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module))
      if (typeof value === "string" && value.trimStart().startsWith("#graphql") && isOperation(value))
        found.push({ name: `${file}: ${name}`, source: value });
  }
  return found;
}

describe("GraphQL documents the app sends", () => {
  it("given the app's source, when scanned, then documents are found", () => {
    expect(written.length).toBeGreaterThan(0);
  });

  it.each(written.map((document) => [document.file, document.source] as const))(
    "given %s, when validated against the real 2026-10 Admin schema, then it has no errors",
    (_file, source) => {
      expect(source).not.toMatch(/\$\{/);
      if (!isOperation(source)) {
        // A fragment: validated within the operations that spread it (and one must).
        const names = parse(source).definitions.flatMap((definition) =>
          definition.kind === Kind.FRAGMENT_DEFINITION ? [definition.name.value] : [],
        );
        const spread = written.some(
          (other) => other.source !== source && names.some((name) => other.source.includes(`...${name}`)),
        );
        expect(spread).toBe(true);
        return;
      }
      const errors = validate(getAdminSchema(), withSpreadFragments(parse(source))).map((error) => error.message);
      expect(errors).toEqual([]);
    },
  );

  it("given every exported document, when validated whole, then each carries exactly the fragments it spreads", async () => {
    const exported = await exportedDocuments();
    expect(exported.length).toBeGreaterThan(0);
    const failures = exported.flatMap(({ name, source }) =>
      validate(getAdminSchema(), parse(source)).map((error) => `${name}: ${error.message}`),
    );
    expect(failures).toEqual([]);
  });
});
