import { request } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_STAGED_UPLOAD_BYTES, setBulkOperationDelay } from "./index.js";
import { parseFailureMessage } from "./mutation-validate.js";
import { resetBulkMutationKnobs } from "./mutation-runner.js";
import {
  CANCEL,
  graphqlCaller,
  OPERATION_FIELDS,
  READ_OPERATION,
  startHarness,
  until,
  type BulkHarness,
} from "./test-support.js";
import { type GraphQLError, parse } from "graphql";

interface Operation {
  id: string;
  status: string;
  type: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
}

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

type Gql = ReturnType<typeof graphqlCaller>;

const STAGE = `mutation Stage($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) {
  stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }`;
const RUN = `mutation Run($mutation: String!, $path: String!, $clientIdentifier: String) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path, clientIdentifier: $clientIdentifier) {
    bulkOperation { ${OPERATION_FIELDS} } userErrors { field message code } } }`;
const CURRENT = `query { currentBulkOperation(type: MUTATION) { ${OPERATION_FIELDS} } }`;
const TAGS_ADD = `mutation TagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
const TAGS_REMOVE = `mutation TagsRemove($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
const CUSTOMER_TAGS = `query Tags($id: ID!) { customer(id: $id) { tags } }`;

let harness: BulkHarness;
let shopCounter = 0;

beforeAll(async () => {
  harness = await startHarness(
    ["bulk_operations/finish", "customers/update"],
    ["read_customers", "write_customers", "read_orders"],
  );
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  harness.received.length = 0;
});
afterEach(() => {
  setBulkOperationDelay(0);
  resetBulkMutationKnobs();
});

async function shopWith(version = "2026-10") {
  shopCounter += 1;
  const domain = `bulkmut-${shopCounter}`;
  const shop = await harness.client.createShop({ domain });
  const { accessToken } = await harness.client.install(domain, {
    scopes: ["read_customers", "write_customers", "read_orders"],
  });
  return { domain, shop, gql: graphqlCaller(harness.emulator.url, domain, accessToken, version) };
}

async function stage(gql: Gql, method: "POST" | "PUT" = "POST") {
  const body = await gql(STAGE, {
    input: [
      { resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: method },
    ],
  });
  const target = (
    body.data!.stagedUploadsCreate as {
      stagedTargets: { url: string; resourceUrl: string; parameters: { name: string; value: string }[] }[];
    }
  ).stagedTargets[0]!;
  const key = target.parameters.find((parameter) => parameter.name === "key")?.value ?? null;
  return { ...target, key };
}

/** Stages and uploads `content` (multipart POST, file last) and answers the staged path (the `key`). */
async function upload(gql: Gql, content: string): Promise<string> {
  const target = await stage(gql);
  const form = new FormData();
  for (const { name, value } of target.parameters) form.append(name, value);
  form.append("file", new Blob([content]), "vars.jsonl");
  const response = await fetch(target.url, { method: "POST", body: form });
  expect(response.status).toBe(201);
  return target.key!;
}

/**
 * A multipart POST over node:http (file last), written in one piece on a fresh connection: with fetch, a body this
 * large sometimes met ECONNRESET on a reused keep-alive socket.
 */
async function postForm(
  url: string,
  parameters: { name: string; value: string }[],
  file: Buffer,
): Promise<{ status: number; body: string }> {
  const boundary = `----cohort${Date.now()}`;
  const head = parameters
    .map(({ name, value }) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("");
  const body = Buffer.concat([
    Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="vars.jsonl"\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": body.length },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

const jsonl = (lines: unknown[]): string => lines.map((line) => JSON.stringify(line)).join("\n") + "\n";

function runPayload(body: Awaited<ReturnType<Gql>>) {
  return body.data!.bulkOperationRunMutation as { bulkOperation: Operation | null; userErrors: UserError[] };
}

async function settle(gql: Gql, id: string): Promise<Operation> {
  return until(async () => {
    const operation = (await gql(READ_OPERATION, { id })).data!.bulkOperation as Operation;
    return ["COMPLETED", "FAILED", "CANCELED"].includes(operation.status) ? operation : null;
  });
}

async function resultLines(url: string): Promise<Record<string, unknown>[]> {
  const text = await (await fetch(url)).text();
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function customer(domain: string, tags: string[] = []) {
  const record = await harness.client.createCustomer(domain, { firstName: "Ada", tags });
  return `gid://shopify/Customer/${record.id}`;
}

async function tagsOf(gql: Gql, id: string): Promise<string[]> {
  return ((await gql(CUSTOMER_TAGS, { id })).data!.customer as { tags: string[] }).tags;
}

describe("bulkOperationRunMutation validation", () => {
  it.each([
    [
      "a syntax error",
      "mutation { not real syntax",
      null,
      "INVALID_MUTATION",
      /^Failed to parse the mutation - syntax error, unexpected end of file at \[1, 21\]$/,
    ],
    [
      "a query",
      "query { customers(first: 1) { edges { node { id } } } }",
      null,
      "INVALID_MUTATION",
      /^Invalid operation type\. Only `mutation` operations are supported\.$/,
    ],
    [
      "two top-level mutations",
      `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } tagsRemove(id: $id, tags: $tags) { userErrors { message } } }`,
      ["mutation"],
      null,
      /^You must specify a single top level mutation\.$/,
    ],
    [
      "a bulk root",
      `mutation($m: String!, $p: String!) { bulkOperationRunMutation(mutation: $m, stagedUploadPath: $p) { userErrors { message } } }`,
      ["mutation"],
      null,
      /^You must use an allowed mutation name\.$/,
    ],
  ])(
    "given %s, when it is run, then Shopify's user error comes back and no operation is created",
    async (_name, mutation, field, code, message) => {
      const { gql } = await shopWith();
      const payload = runPayload(await gql(RUN, { mutation, path: "valid" }));
      expect(payload.bulkOperation).toBeNull();
      expect(payload.userErrors).toHaveLength(1);
      expect(payload.userErrors[0]).toMatchObject({ field, code });
      expect(payload.userErrors[0]!.message).toMatch(message);
      expect((await gql(CURRENT)).data!.currentBulkOperation).toBeNull();
    },
  );

  it("given a valid mutation and a path nothing was uploaded to, when it is run, then NO_SUCH_FILE", async () => {
    const { gql } = await shopWith();
    const target = await stage(gql);
    const payload = runPayload(await gql(RUN, { mutation: TAGS_ADD, path: target.key }));
    expect(payload).toEqual({
      bulkOperation: null,
      userErrors: [
        {
          field: null,
          message:
            "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.",
          code: "NO_SUCH_FILE",
        },
      ],
    });
  });

  it("given another shop's upload, when it is run, then NO_SUCH_FILE (staged files are per shop)", async () => {
    const first = await shopWith();
    const second = await shopWith();
    const path = await upload(first.gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }]));
    expect(runPayload(await second.gql(RUN, { mutation: TAGS_ADD, path })).userErrors[0]!.code).toBe("NO_SUCH_FILE");
  });

  it("given a clientIdentifier shorter than 10 or longer than 255 characters, when it is run, then it is refused", async () => {
    const { gql } = await shopWith();
    const path = await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }]));
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path, clientIdentifier: "abc" })).userErrors).toEqual([
      { field: ["clientIdentifier"], message: "is too short (minimum is 10 characters)", code: "INVALID_MUTATION" },
    ]);
    expect(
      runPayload(await gql(RUN, { mutation: TAGS_ADD, path, clientIdentifier: "x".repeat(256) })).userErrors,
    ).toEqual([
      { field: ["clientIdentifier"], message: "is too long (maximum is 255 characters)", code: "INVALID_MUTATION" },
    ]);
  });

  it("given an empty PUT upload or a file that is not JSONL, when it is run, then INVALID_STAGED_UPLOAD_FILE", async () => {
    const { gql } = await shopWith();
    const target = await stage(gql, "PUT");
    expect((await fetch(target.url, { method: "PUT", body: "" })).status).toBe(200);
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path: target.resourceUrl })).userErrors).toEqual([
      { field: null, message: "The input file is empty.", code: "INVALID_STAGED_UPLOAD_FILE" },
    ]);
    const notJsonl = await upload(gql, "id,tags\n1,vip\n");
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path: notJsonl })).userErrors[0]!.code).toBe(
      "INVALID_STAGED_UPLOAD_FILE",
    );
  });

  it("reports the end of input at the last token, as graphql-ruby does", () => {
    const error = (() => {
      try {
        parse("mutation { not parseable");
      } catch (caught) {
        return caught as GraphQLError;
      }
      throw new Error("parsed");
    })();
    expect(parseFailureMessage("mutation { not parseable", error)).toBe(
      "Failed to parse the mutation - syntax error, unexpected end of file at [1, 16]",
    );
  });
});

describe("the 100 MB limit", () => {
  it("given a POST of a file one byte over 100 MB, then storage refuses it with EntityTooLarge and nothing is staged", async () => {
    const { gql } = await shopWith();
    const target = await stage(gql);
    const response = await postForm(target.url, target.parameters, Buffer.alloc(MAX_STAGED_UPLOAD_BYTES + 1, 0x20));
    expect(response.status).toBe(400);
    expect(response.body).toContain("<Code>EntityTooLarge</Code>");
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path: target.key })).userErrors[0]!.code).toBe(
      "NO_SUCH_FILE",
    );
  }, 60_000);

  it("given a PUT of a file one byte over 100 MB, when it is run, then the size error Shopify answers", async () => {
    const { gql } = await shopWith();
    const target = await stage(gql, "PUT");
    const put = await fetch(target.url, { method: "PUT", body: Buffer.alloc(MAX_STAGED_UPLOAD_BYTES + 1, 0x20) });
    expect(put.status).toBe(200);
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path: target.resourceUrl })).userErrors).toEqual([
      {
        field: null,
        message: "The input file size exceeds the maximum allowed size of 100 MB.",
        code: "INVALID_STAGED_UPLOAD_FILE",
      },
    ]);
  }, 60_000);

  it("given a PUT target staged with a fileSize over 100 MB, when it is run before any upload, then the size error (not NO_SUCH_FILE)", async () => {
    const { gql } = await shopWith();
    const body = await gql(STAGE, {
      input: [
        {
          resource: "BULK_MUTATION_VARIABLES",
          filename: "big.jsonl",
          mimeType: "text/jsonl",
          httpMethod: "PUT",
          fileSize: String(MAX_STAGED_UPLOAD_BYTES + 1),
        },
      ],
    });
    const target = (body.data!.stagedUploadsCreate as { stagedTargets: { resourceUrl: string }[] }).stagedTargets[0]!;
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path: target.resourceUrl })).userErrors[0]!.code).toBe(
      "INVALID_STAGED_UPLOAD_FILE",
    );
  });

  it("given a file of exactly 100 MB, then storage accepts it", async () => {
    const { gql } = await shopWith();
    const target = await stage(gql);
    const response = await postForm(target.url, target.parameters, Buffer.alloc(MAX_STAGED_UPLOAD_BYTES, 0x20));
    expect(response.status).toBe(201);
  }, 60_000);
});

describe("running a bulk tagsAdd / tagsRemove", () => {
  it("given lines for existing, missing and refused customers, then each line has its result with __lineNumber and the store equals direct tagsAdd", async () => {
    const { gql, domain } = await shopWith();
    const a = await customer(domain, ["merchant"]);
    const b = await customer(domain);
    const twin = await customer(domain, ["merchant"]);
    const missing = "gid://shopify/Customer/999999999";
    const path = await upload(
      gql,
      jsonl([
        { id: a, tags: ["cohort:vip", " Cohort:VIP ", "second"] },
        { id: missing, tags: ["cohort:vip"] },
        { id: b, tags: ["x".repeat(256)] },
        { id: b, tags: ["cohort:new"] },
      ]),
    );
    const created = runPayload(await gql(RUN, { mutation: TAGS_ADD, path }));
    expect(created.userErrors).toEqual([]);
    expect(created.bulkOperation).toMatchObject({ status: "CREATED", type: "MUTATION", objectCount: "0", url: null });
    expect(created.bulkOperation!.query).toBe(TAGS_ADD);

    const done = await settle(gql, created.bulkOperation!.id);
    expect(done).toMatchObject({ status: "COMPLETED", errorCode: null, objectCount: "4", rootObjectCount: "4" });
    const text = await (await fetch(done.url!)).text();
    expect(String(Buffer.byteLength(text))).toBe(done.fileSize);
    expect(text).toContain('"id":"gid:\\/\\/shopify\\/Customer\\/');
    const lines = await resultLines(done.url!);
    expect(lines.map((line) => line.__lineNumber)).toEqual([0, 1, 2, 3]);
    expect(lines[0]).toEqual({ data: { tagsAdd: { node: { id: a }, userErrors: [] } }, __lineNumber: 0 });
    expect(lines[1]).toEqual({
      data: { tagsAdd: { node: null, userErrors: [{ field: ["id"], message: "Customer does not exist" }] } },
      __lineNumber: 1,
    });
    expect((lines[2]!.data as { tagsAdd: { userErrors: UserError[] } }).tagsAdd.userErrors[0]!.message).toMatch(
      /too long/,
    );
    expect(lines[3]).toEqual({ data: { tagsAdd: { node: { id: b }, userErrors: [] } }, __lineNumber: 3 });

    await gql(TAGS_ADD, { id: twin, tags: ["cohort:vip", " Cohort:VIP ", "second"] });
    expect(await tagsOf(gql, a)).toEqual(await tagsOf(gql, twin));
    expect(await tagsOf(gql, a)).toEqual(["cohort:vip", "merchant", "second"]);
    expect(await tagsOf(gql, b)).toEqual(["cohort:new"]);
  });

  it("given a bulk tagsRemove, then only the named tags go (case-insensitively), as with the direct mutation", async () => {
    const { gql, domain } = await shopWith();
    const a = await customer(domain, ["Cohort:VIP", "merchant"]);
    const path = await upload(gql, jsonl([{ id: a, tags: ["cohort:vip"] }]));
    const done = await settle(gql, runPayload(await gql(RUN, { mutation: TAGS_REMOVE, path })).bulkOperation!.id);
    expect(done.status).toBe("COMPLETED");
    expect(await tagsOf(gql, a)).toEqual(["merchant"]);
  });

  it("given variables the mutation refuses, then that line carries errors and the others still run", async () => {
    const { gql, domain } = await shopWith();
    const a = await customer(domain);
    const path = await upload(gql, jsonl([{ id: a }, { id: a, tags: ["ok"] }]));
    const done = await settle(gql, runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).bulkOperation!.id);
    const lines = await resultLines(done.url!);
    expect(lines[0]).toMatchObject({ __lineNumber: 0, errors: [{ extensions: { code: "INVALID_VARIABLE" } }] });
    expect(lines[0]).not.toHaveProperty("data");
    expect(lines[1]).toMatchObject({ __lineNumber: 1, data: { tagsAdd: { userErrors: [] } } });
    expect(await tagsOf(gql, a)).toEqual(["ok"]);
  });

  it("when an operation finishes, then bulk_operations/finish is sent with Shopify's payload, and customers/update for each customer whose tags changed", async () => {
    const { gql, domain } = await shopWith();
    const changed = await customer(domain);
    const unchanged = await customer(domain, ["already"]);
    harness.received.length = 0;
    const path = await upload(
      gql,
      jsonl([
        { id: changed, tags: ["new"] },
        { id: unchanged, tags: ["ALREADY"] },
      ]),
    );
    const id = runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).bulkOperation!.id;
    await settle(gql, id);
    const finish = await until(
      async () => harness.received.find((hook) => hook.topic === "bulk_operations/finish") ?? null,
    );
    const payload = JSON.parse(finish.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      admin_graphql_api_id: id,
      status: "completed",
      type: "mutation",
      error_code: null,
    });
    expect(Object.keys(payload).sort()).toEqual([
      "admin_graphql_api_id",
      "completed_at",
      "created_at",
      "error_code",
      "status",
      "type",
    ]);
    const updates = await until(async () => {
      const found = harness.received.filter((hook) => hook.topic === "customers/update");
      return found.length ? found : null;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ids = harness.received
      .filter((hook) => hook.topic === "customers/update")
      .map((hook) => (JSON.parse(hook.body) as { admin_graphql_api_id: string }).admin_graphql_api_id);
    expect(updates.length).toBeGreaterThan(0);
    expect(ids).toEqual([changed]);

    // The direct mutation announces the same way: one customers/update for a change, none for a no-op.
    harness.received.length = 0;
    await gql(TAGS_ADD, { id: unchanged, tags: ["already"] });
    await gql(TAGS_ADD, { id: unchanged, tags: ["direct"] });
    await until(async () => harness.received.find((hook) => hook.topic === "customers/update") ?? null);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const direct = harness.received
      .filter((hook) => hook.topic === "customers/update")
      .map((hook) => JSON.parse(hook.body) as { admin_graphql_api_id: string });
    expect(direct.map((hook) => hook.admin_graphql_api_id)).toEqual([unchanged]);
    // As on Shopify since 2025-01, the customer webhook carries no `tags`: a reader must fetch them.
    expect(direct[0]).not.toHaveProperty("tags");
  });
});

describe("concurrency and control", () => {
  it("given five mutation operations running (API 2026-01+), when a sixth is run, then OPERATION_IN_PROGRESS naming the five", async () => {
    const { gql } = await shopWith();
    setBulkOperationDelay(60_000);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const path = await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }]));
      const payload = runPayload(await gql(RUN, { mutation: TAGS_ADD, path }));
      expect(payload.userErrors).toEqual([]);
      ids.push(payload.bulkOperation!.id);
    }
    const path = await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }]));
    expect(runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).userErrors).toEqual([
      {
        field: null,
        message: `A bulk mutation operation for this app and shop is already in progress: ${ids.join(", ")}.`,
        code: "OPERATION_IN_PROGRESS",
      },
    ]);
    // A missing file is reported before the limit (captured: no-such-file precedence).
    expect(
      runPayload(await gql(RUN, { mutation: TAGS_ADD, path: "tmp/1/bulk/x/missing.jsonl" })).userErrors[0]!.code,
    ).toBe("NO_SUCH_FILE");
    for (const id of ids) await gql(CANCEL, { id });
  });

  it("given API 2025-10, then one mutation operation at a time", async () => {
    const { gql } = await shopWith("2025-10");
    setBulkOperationDelay(60_000);
    const first = runPayload(
      await gql(RUN, {
        mutation: TAGS_ADD,
        path: await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }])),
      }),
    );
    const second = runPayload(
      await gql(RUN, {
        mutation: TAGS_ADD,
        path: await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }])),
      }),
    );
    expect(second.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS" });
    expect(second.userErrors[0]!.message).toContain(first.bulkOperation!.id);
    await gql(CANCEL, { id: first.bulkOperation!.id });
  });

  it("given the control API made the next mutation fail after one line, then it is FAILED with partial data, that line applied and the rest not", async () => {
    const { gql, domain } = await shopWith();
    const a = await customer(domain);
    const b = await customer(domain);
    await harness.client.failNextBulkOperation(domain, {
      type: "mutation",
      errorCode: "INTERNAL_SERVER_ERROR",
      afterLines: 1,
    });
    const path = await upload(
      gql,
      jsonl([
        { id: a, tags: ["one"] },
        { id: b, tags: ["two"] },
      ]),
    );
    const id = runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).bulkOperation!.id;
    const done = await settle(gql, id);
    expect(done).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null, objectCount: "1" });
    expect((await resultLines(done.partialDataUrl!)).map((line) => line.__lineNumber)).toEqual([0]);
    expect(await tagsOf(gql, a)).toEqual(["one"]);
    expect(await tagsOf(gql, b)).toEqual([]);
    const finish = await until(
      async () => harness.received.find((hook) => hook.topic === "bulk_operations/finish") ?? null,
    );
    expect(JSON.parse(finish.body)).toMatchObject({ status: "failed", error_code: "internal_server_error" });
  });

  it("given the control API delayed the next mutation, then it stays RUNNING with every line applied until the delay passes", async () => {
    const { gql, domain } = await shopWith();
    const a = await customer(domain);
    await harness.client.delayBulkOperation(domain, { kind: "mutation", ms: 400 });
    const path = await upload(gql, jsonl([{ id: a, tags: ["late"] }]));
    const id = runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).bulkOperation!.id;
    const running = await until(async () => {
      const operation = (await gql(READ_OPERATION, { id })).data!.bulkOperation as Operation;
      return operation.objectCount === "1" ? operation : null;
    });
    expect(running.status).toBe("RUNNING");
    expect((await settle(gql, id)).status).toBe("COMPLETED");
  });

  it("given a running mutation operation, when it is canceled, then it ends CANCELED and currentBulkOperation(type: MUTATION) shows it", async () => {
    const { gql } = await shopWith();
    setBulkOperationDelay(200);
    const path = await upload(gql, jsonl([{ id: "gid://shopify/Customer/1", tags: ["x"] }]));
    const id = runPayload(await gql(RUN, { mutation: TAGS_ADD, path })).bulkOperation!.id;
    expect(
      ((await gql(CANCEL, { id })).data!.bulkOperationCancel as { bulkOperation: Operation }).bulkOperation.status,
    ).toBe("CANCELING");
    expect((await settle(gql, id)).status).toBe("CANCELED");
    expect(((await gql(CURRENT)).data!.currentBulkOperation as Operation).id).toBe(id);
  });
});
