import { describe, expect, it } from "vitest";
import { BULK_OPERATION } from "../../../app/graphql/bulk-operations.js";
import { RUN_BULK_MUTATION, STAGED_UPLOADS_CREATE } from "../../../app/graphql/tag-writes.js";
import { BulkTagBusyError, type TagChange } from "../../../app/services/tagging/ports.js";
import { BulkTagWriter, type BulkTagWriterDeps } from "../../../app/shopify/tagging/bulk-tag-writer.server.js";

/** A scripted Shopify: each run answers the next of `runs` (an operation that completes, or a user error). */
function fakeShopify(runs: Array<"ok" | "busy" | "error">) {
  const uploads: string[] = [];
  let runIndex = 0;
  const results = new Map<string, string>();
  const graphql: BulkTagWriterDeps["graphql"] = async (document, variables) => {
    const vars = variables as Record<string, unknown>;
    if (document === STAGED_UPLOADS_CREATE) {
      return {
        stagedUploadsCreate: {
          stagedTargets: [
            {
              url: "https://storage/",
              resourceUrl: "https://storage/",
              parameters: [{ name: "key", value: `k${uploads.length}` }],
            },
          ],
          userErrors: [],
        },
      } as never;
    }
    if (document === RUN_BULK_MUTATION) {
      const answer = runs[runIndex++];
      if (answer === "error") throw new Error("Shopify request failed after 6 attempts: HTTP 503");
      if (answer === "busy") {
        return {
          bulkOperationRunMutation: {
            bulkOperation: null,
            userErrors: [
              {
                field: null,
                message: "A bulk mutation operation … is already in progress",
                code: "OPERATION_IN_PROGRESS",
              },
            ],
          },
        } as never;
      }
      const id = `gid://shopify/BulkOperation/${runIndex}`;
      // Every line applied; the mutation's root field names the result.
      const root = String(vars.mutation).includes("tagsRemove") ? "tagsRemove" : "tagsAdd";
      const lines = uploads[uploads.length - 1]!.trimEnd().split("\n");
      results.set(
        id,
        lines.map((_, n) => JSON.stringify({ data: { [root]: { userErrors: [] } }, __lineNumber: n })).join("\n") +
          "\n",
      );
      return { bulkOperationRunMutation: { bulkOperation: operation(id, "CREATED"), userErrors: [] } } as never;
    }
    if (document === BULK_OPERATION) {
      const id = String(vars.id);
      return { bulkOperation: { ...operation(id, "COMPLETED"), url: `https://results/${id}`, query: "" } } as never;
    }
    throw new Error(`unexpected document ${document.slice(0, 60)}`);
  };
  const deps: BulkTagWriterDeps = {
    graphql,
    upload: async (_target, _name, content) => {
      uploads.push(content);
      return `k${uploads.length - 1}`;
    },
    download: async function* (url) {
      yield new TextEncoder().encode(results.get(url.replace("https://results/", "")) ?? "");
    },
    clock: { now: () => 0, sleep: async () => undefined },
  };
  return { deps, uploads };
}

function operation(id: string, status: "CREATED" | "COMPLETED") {
  return {
    id,
    status,
    errorCode: null,
    objectCount: "0",
    rootObjectCount: "0",
    fileSize: null,
    url: null,
    partialDataUrl: null,
    createdAt: "2026-12-07T00:00:00Z",
    completedAt: null,
  };
}

const changes: TagChange[] = [
  { customerGid: "gid://shopify/Customer/1", add: ["a"], remove: ["z"] },
  { customerGid: "gid://shopify/Customer/2", add: [], remove: ["z"] },
  { customerGid: "gid://shopify/Customer/3", add: ["a", "b"], remove: [] },
];

describe("BulkTagWriter", () => {
  it("writes one JSONL of {id, tags} per mutation, adds then removes, and maps every line back", async () => {
    const { deps, uploads } = fakeShopify(["ok", "ok"]);
    const outcomes = await new BulkTagWriter(deps).write(changes);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["applied", "applied", "applied"]);
    expect(uploads).toEqual([
      '{"id":"gid://shopify/Customer/1","tags":["a"]}\n{"id":"gid://shopify/Customer/3","tags":["a","b"]}\n',
      '{"id":"gid://shopify/Customer/1","tags":["z"]}\n{"id":"gid://shopify/Customer/2","tags":["z"]}\n',
    ]);
  });

  it("given Shopify busy before anything ran, then BulkTagBusyError and nothing uploaded beyond the refused file", async () => {
    const { deps } = fakeShopify(["busy"]);
    await expect(new BulkTagWriter(deps).write(changes)).rejects.toBeInstanceOf(BulkTagBusyError);
  });

  it("given Shopify busy for the removes after the adds ran, then the adds stand and the changes with removes are failed", async () => {
    const { deps } = fakeShopify(["ok", "busy"]);
    const outcomes = await new BulkTagWriter(deps).write(changes);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["failed", "failed", "applied"]);
    expect(outcomes[0]).toMatchObject({ message: expect.stringMatching(/already in progress/) });
  });

  it("given the removes' run failing after the adds ran, then the adds stand and the rest is failed, not thrown", async () => {
    const { deps } = fakeShopify(["ok", "error"]);
    const outcomes = await new BulkTagWriter(deps).write(changes);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["failed", "failed", "applied"]);
    expect(outcomes[1]).toMatchObject({ message: expect.stringMatching(/HTTP 503/) });
  });

  it("given the first run failing, then the error is thrown (nothing ran)", async () => {
    const { deps } = fakeShopify(["error"]);
    await expect(new BulkTagWriter(deps).write(changes)).rejects.toThrow(/HTTP 503/);
  });

  it("splits a set over the file limit into several operations", async () => {
    const { deps, uploads } = fakeShopify(["ok", "ok", "ok"]);
    const many: TagChange[] = Array.from({ length: 30 }, (_, index) => ({
      customerGid: `gid://shopify/Customer/${index + 1}`,
      add: ["cohort:vip"],
      remove: [],
    }));
    const outcomes = await new BulkTagWriter(deps, { maxFileBytes: 600 }).write(many);
    expect(outcomes.every((outcome) => outcome.status === "applied")).toBe(true);
    expect(uploads.length).toBe(3);
    expect(uploads.every((upload) => Buffer.byteLength(upload) <= 600)).toBe(true);
    expect(uploads.join("").trimEnd().split("\n")).toHaveLength(30);
  });
});
