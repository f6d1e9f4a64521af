import { describe, expect, it } from "vitest";
import { createTestEnv } from "./test-helpers.js";

const SEGMENT_CREATE = `mutation($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) { segment { id name } userErrors { field message } } }`;
const CODE_CREATE = `mutation($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { status context { __typename
      ... on DiscountCustomerSegments { segments { id } } } codes(first: 1) { nodes { code asyncUsageCount } } } } }
    userErrors { field message code } } }`;

function basic(overrides: Record<string, unknown> = {}) {
  return {
    title: "VIP 15",
    code: "VIP15",
    customerGets: { value: { percentage: 0.15 }, items: { all: true } },
    ...overrides,
  };
}

describe("segments and discounts in the local Shopify", () => {
  it("given a segment, when a code discount is limited to it, then the context names the segment and the code reads back", async () => {
    const env = createTestEnv();
    const created = await env.run(env.shopA, SEGMENT_CREATE, { name: "VIP", query: "customer_tags CONTAINS 'vip'" });
    const segmentId = (created.data!.segmentCreate as { segment: { id: string } }).segment.id;
    const duplicate = await env.run(env.shopA, SEGMENT_CREATE, { name: "VIP", query: "customer_tags CONTAINS 'vip'" });
    expect(duplicate.data!.segmentCreate).toMatchObject({ segment: { name: "VIP (1)" } });

    const result = await env.run(env.shopA, CODE_CREATE, {
      input: basic({ context: { customerSegments: { add: [segmentId] } } }),
    });
    expect(result.data!.discountCodeBasicCreate).toMatchObject({
      codeDiscountNode: {
        codeDiscount: {
          status: "ACTIVE",
          context: { __typename: "DiscountCustomerSegments", segments: [{ id: segmentId }] },
          codes: { nodes: [{ code: "VIP15", asyncUsageCount: 0 }] },
        },
      },
      userErrors: [],
    });
    const byCode = await env.run(env.shopA, `{ codeDiscountNodeByCode(code: "vip15") { id } }`);
    expect(byCode.data!.codeDiscountNodeByCode).not.toBeNull();
    // Another shop's code is its own.
    expect(
      (await env.run(env.shopB, `{ codeDiscountNodeByCode(code: "VIP15") { id } }`)).data!.codeDiscountNodeByCode,
    ).toBeNull();
  });

  it("given bad discounts, when created, then each userError names its input path and nothing is stored", async () => {
    const env = createTestEnv();
    const errorsOf = async (input: Record<string, unknown>) =>
      ((await env.run(env.shopA, CODE_CREATE, { input })).data!.discountCodeBasicCreate as { userErrors: unknown[] })
        .userErrors;
    expect(await errorsOf(basic({ customerGets: { value: { percentage: 1.5 }, items: { all: true } } }))).toEqual([
      expect.objectContaining({
        field: ["basicCodeDiscount", "customerGets", "value", "percentage"],
        code: "VALUE_OUTSIDE_RANGE",
      }),
    ]);
    expect(
      await errorsOf(basic({ customerGets: { value: { discountAmount: { amount: "-5" } }, items: { all: true } } })),
    ).toEqual([expect.objectContaining({ code: "GREATER_THAN" })]);
    expect(await errorsOf(basic({ context: { all: "ALL" }, customerSelection: { all: true } }))).toEqual([
      {
        field: ["basicCodeDiscount", "context"],
        message: "Only one of context or customerSelection can be provided.",
        code: "INVALID",
      },
    ]);
    expect(await errorsOf(basic({ context: { customerSegments: { add: ["gid://shopify/Segment/1"] } } }))).toEqual([
      expect.objectContaining({ field: ["basicCodeDiscount", "context", "customerSegments", "add"] }),
    ]);
    expect(await errorsOf(basic({ startsAt: "2027-01-02T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" }))).toEqual([
      expect.objectContaining({ code: "END_DATE_BEFORE_START_DATE" }),
    ]);
    expect(env.store.prepare("SELECT COUNT(*) AS n FROM discounts").get()).toEqual({ n: 0 });
    expect(await errorsOf(basic())).toEqual([]);
    expect(await errorsOf(basic({ code: "vip15" }))).toEqual([
      {
        field: ["basicCodeDiscount", "code"],
        message: "Code must be unique. Please try a different code.",
        code: "TAKEN",
      },
    ]);
  });

  it("given a discount, when it is deactivated and deleted, then its status and reads follow", async () => {
    const env = createTestEnv();
    const created = await env.run(env.shopA, CODE_CREATE, { input: basic() });
    const id = (created.data!.discountCodeBasicCreate as { codeDiscountNode: { id: string } }).codeDiscountNode.id;
    await env.run(env.shopA, `mutation($id: ID!) { discountCodeDeactivate(id: $id) { userErrors { message } } }`, {
      id,
    });
    const listed = await env.run(
      env.shopA,
      `{ discountNodes(first: 5) { nodes { id discount { ... on DiscountCodeBasic { status } } } } }`,
    );
    expect(listed.data!.discountNodes).toEqual({ nodes: [{ id, discount: { status: "EXPIRED" } }] });
    const deleted = await env.run(
      env.shopA,
      `mutation($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId } }`,
      { id },
    );
    expect(deleted.data!.discountCodeDelete).toEqual({ deletedCodeDiscountId: id });
  });
});
