import fc from "fast-check";
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import {
  aliasOf,
  buildAliasedTagMutation,
  writeIndexOfPath,
  writesPerRequest,
  type TagWrite,
} from "../../../app/shopify/tagging/aliased-tag-mutations.js";

/** The slice of Shopify's schema the document touches (the emulator's full schema validates it in integration). */
const SCHEMA = buildSchema(`
  type UserError { field: [String!] message: String! }
  type TagsAddPayload { userErrors: [UserError!]! }
  type TagsRemovePayload { userErrors: [UserError!]! }
  type Query { ok: Boolean }
  type Mutation {
    tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
    tagsRemove(id: ID!, tags: [String!]!): TagsRemovePayload
  }
`);

const write = (operation: TagWrite["operation"], id: number, tags: string[]): TagWrite => ({
  operation,
  customerGid: `gid://shopify/Customer/${id}`,
  tags,
});

describe("buildAliasedTagMutation", () => {
  it("given an add and a remove, then one mutation with aliases t0 and t1, each bound to its own variables", () => {
    const request = buildAliasedTagMutation([
      write("tagsAdd", 1, ["cohort:vip"]),
      write("tagsRemove", 2, ["cohort:old"]),
    ]);
    expect(request.aliases).toEqual(["t0", "t1"]);
    expect(request.variables).toEqual({
      id0: "gid://shopify/Customer/1",
      tags0: ["cohort:vip"],
      id1: "gid://shopify/Customer/2",
      tags1: ["cohort:old"],
    });
    expect(request.document).toBe(
      [
        "mutation CohortTagWrites($id0: ID!, $tags0: [String!]!, $id1: ID!, $tags1: [String!]!) {",
        "  t0: tagsAdd(id: $id0, tags: $tags0) {",
        "    userErrors {",
        "      field",
        "      message",
        "    }",
        "  }",
        "  t1: tagsRemove(id: $id1, tags: $tags1) {",
        "    userErrors {",
        "      field",
        "      message",
        "    }",
        "  }",
        "}",
      ].join("\n"),
    );
    expect(validate(SCHEMA, parse(request.document))).toEqual([]);
  });

  it("never puts tag text in the document, whatever the tags hold", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            operation: fc.constantFrom("tagsAdd" as const, "tagsRemove" as const),
            id: fc.integer({ min: 1, max: 2 ** 40 }),
            tags: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (writes) => {
          const request = buildAliasedTagMutation(writes.map((w) => write(w.operation, w.id, w.tags)));
          const document = parse(request.document);
          expect(validate(SCHEMA, document)).toEqual([]);
          const operation = document.definitions[0] as OperationDefinitionNode;
          const fields = operation.selectionSet.selections.map((selection) =>
            selection.kind === Kind.FIELD ? [selection.alias?.value, selection.name.value] : null,
          );
          expect(fields).toEqual(writes.map((w, index) => [aliasOf(index), w.operation]));
          writes.forEach((w, index) => {
            expect(request.variables[`tags${index}`]).toEqual(w.tags);
            expect(request.variables[`id${index}`]).toBe(`gid://shopify/Customer/${w.id}`);
          });
          // Only the fixed skeleton: names, aliases and variable references.
          expect(request.document).toMatch(/^[A-Za-z0-9_$:!(),{}[\]\s]+$/);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses an empty batch", () => {
    expect(() => buildAliasedTagMutation([])).toThrow(/no writes/);
  });
});

describe("writeIndexOfPath", () => {
  it("maps an error path back to its write, and nothing else", () => {
    expect(writeIndexOfPath(["t12", "userErrors"])).toBe(12);
    expect(writeIndexOfPath(["t0"])).toBe(0);
    expect(writeIndexOfPath(["tagsAdd"])).toBeNull();
    expect(writeIndexOfPath(undefined)).toBeNull();
    expect(writeIndexOfPath([3])).toBeNull();
  });
});

describe("writesPerRequest", () => {
  it("fills half the bucket or the 1000-point query limit, whichever is smaller, capped", () => {
    // Basic/Standard: 2000 max → 1000-point budget → 100 writes of 10, capped at 25.
    expect(writesPerRequest({ costPerWrite: 10, maximumAvailable: 2000, maxWrites: 25 })).toBe(25);
    expect(writesPerRequest({ costPerWrite: 10, maximumAvailable: 2000, maxWrites: 500 })).toBe(100);
    // A small bucket (100 max): 50-point budget → 5 writes.
    expect(writesPerRequest({ costPerWrite: 10, maximumAvailable: 100, maxWrites: 25 })).toBe(5);
    // Costlier writes, fewer per request; never less than one.
    expect(writesPerRequest({ costPerWrite: 40, maximumAvailable: 2000, maxWrites: 500 })).toBe(25);
    expect(writesPerRequest({ costPerWrite: 5000, maximumAvailable: 2000, maxWrites: 25 })).toBe(1);
    // Before any observation: the query limit alone.
    expect(writesPerRequest({ costPerWrite: 10, maximumAvailable: null, maxWrites: 500 })).toBe(100);
  });
});
