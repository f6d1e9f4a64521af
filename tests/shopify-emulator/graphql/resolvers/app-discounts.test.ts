import { describe, expect, it } from "vitest";
import { appNumericId } from "./app-functions.js";
import { createTestEnv } from "./test-helpers.js";

const APP_CREATE = `mutation($input: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $input) {
    automaticAppDiscount { discountId title status discountClasses startsAt endsAt
      combinesWith { orderDiscounts productDiscounts shippingDiscounts }
      appDiscountType { functionId app { id } } }
    userErrors { field message code extraInfo } } }`;
const APP_UPDATE = `mutation($id: ID!, $input: DiscountAutomaticAppInput!) {
  discountAutomaticAppUpdate(id: $id, automaticAppDiscount: $input) {
    automaticAppDiscount { discountId title discountClasses } userErrors { field message code } } }`;
const READ = `query($id: ID!) { discountNode(id: $id) { id
  metafield(namespace: "$app:cohort", key: "tag-discount") { namespace type jsonValue }
  discount { __typename ... on DiscountAutomaticApp { status asyncUsageCount } } } }`;

const CONFIG = { tags: ["cohort:vip"], percentage: 15 };

function appInput(overrides: Record<string, unknown> = {}) {
  return {
    title: "VIP 15% (tag)",
    functionHandle: "cohort-tag-discount",
    discountClasses: ["ORDER"],
    startsAt: "2026-06-01T00:00:00Z",
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    metafields: [{ namespace: "$app:cohort", key: "tag-discount", type: "json", value: JSON.stringify(CONFIG) }],
    ...overrides,
  };
}

type Payload = {
  automaticAppDiscount: { discountId: string; appDiscountType: { functionId: string } } | null;
  userErrors: unknown[];
};

describe("automatic app discounts in the local Shopify", () => {
  it("given the app's discount Function by handle, when a discount is created, then it reads back with its metafield under the app's namespace", async () => {
    const env = createTestEnv();
    const created = await env.run(env.shopA, APP_CREATE, { input: appInput() });
    const payload = created.data!.discountAutomaticAppCreate as Payload;
    expect(payload).toMatchObject({
      automaticAppDiscount: {
        title: "VIP 15% (tag)",
        status: "ACTIVE",
        discountClasses: ["ORDER"],
        endsAt: null,
        combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
        appDiscountType: { app: { id: `gid://shopify/App/${appNumericId(env.emulator.config.app)}` } },
      },
      userErrors: [],
    });
    const id = payload.automaticAppDiscount!.discountId;
    expect(id).toMatch(/^gid:\/\/shopify\/DiscountAutomaticNode\/\d+$/);

    const read = await env.run(env.shopA, READ, { id });
    expect(read.data!.discountNode).toEqual({
      id,
      metafield: {
        namespace: `app--${appNumericId(env.emulator.config.app)}--cohort`,
        type: "json",
        jsonValue: CONFIG,
      },
      discount: { __typename: "DiscountAutomaticApp", status: "ACTIVE", asyncUsageCount: 0 },
    });
    // The deprecated functionId names the same Function; another shop does not see the discount.
    const byId = await env.run(env.shopA, APP_CREATE, {
      input: appInput({
        functionHandle: undefined,
        functionId: payload.automaticAppDiscount!.appDiscountType.functionId,
      }),
    });
    expect((byId.data!.discountAutomaticAppCreate as Payload).userErrors).toEqual([]);
    expect((await env.run(env.shopB, READ, { id })).data!.discountNode).toBeNull();
  });

  it("given an app discount, when it is updated, then the metafield is replaced in place and the Function stays", async () => {
    const env = createTestEnv();
    const created = await env.run(env.shopA, APP_CREATE, { input: appInput() });
    const id = (created.data!.discountAutomaticAppCreate as Payload).automaticAppDiscount!.discountId;
    const next = { tags: ["cohort:vip"], fixedAmount: "5.00" };
    const updated = await env.run(env.shopA, APP_UPDATE, {
      id,
      input: {
        title: "VIP $5",
        discountClasses: ["SHIPPING"],
        metafields: [{ namespace: "$app:cohort", key: "tag-discount", type: "json", value: JSON.stringify(next) }],
      },
    });
    expect(updated.data!.discountAutomaticAppUpdate).toEqual({
      automaticAppDiscount: { discountId: id, title: "VIP $5", discountClasses: ["SHIPPING"] },
      userErrors: [],
    });
    const read = await env.run(
      env.shopA,
      `query($id: ID!) { discountNode(id: $id) { metafields(first: 5) { nodes { key jsonValue } } } }`,
      { id },
    );
    expect(read.data!.discountNode).toEqual({ metafields: { nodes: [{ key: "tag-discount", jsonValue: next }] } });
  });

  it("given a missing, doubled or unknown Function, when created, then Shopify's captured userErrors come back and nothing is stored", async () => {
    const env = createTestEnv();
    const appId = appNumericId(env.emulator.config.app);
    const errorsOf = async (input: Record<string, unknown>) =>
      ((await env.run(env.shopA, APP_CREATE, { input })).data!.discountAutomaticAppCreate as Payload).userErrors;
    expect(await errorsOf(appInput({ functionHandle: undefined }))).toEqual([
      {
        field: ["automaticAppDiscount", "functionHandle"],
        message: "Function id can't be blank.",
        code: "MISSING_FUNCTION_IDENTIFIER",
        extraInfo: null,
      },
    ]);
    expect(await errorsOf(appInput({ functionId: "00000000-0000-0000-0000-000000000000" }))).toEqual([
      {
        field: ["automaticAppDiscount"],
        message: "Only one of functionId or functionHandle is allowed.",
        code: "MULTIPLE_FUNCTION_IDENTIFIERS",
        extraInfo: null,
      },
    ]);
    expect(await errorsOf(appInput({ functionHandle: "har-783-uninstalled-handle" }))).toEqual([
      {
        field: ["automaticAppDiscount", "functionHandle"],
        message: `Function har-783-uninstalled-handle not found. Ensure that it is released in the current app (${appId}), and that the app is installed.`,
        code: "INVALID",
        extraInfo: null,
      },
    ]);
    expect(await errorsOf(appInput({ title: " " }))).toEqual([
      expect.objectContaining({ field: ["automaticAppDiscount", "title"], code: "BLANK" }),
    ]);
    expect(await errorsOf(appInput({ endsAt: "2026-05-01T00:00:00Z" }))).toEqual([
      expect.objectContaining({ field: ["automaticAppDiscount", "endsAt"], code: "END_DATE_BEFORE_START_DATE" }),
    ]);
    expect(
      await errorsOf(
        appInput({ metafields: [{ namespace: "$app:cohort", key: "tag-discount", type: "json", value: "{" }] }),
      ),
    ).toEqual([expect.objectContaining({ field: ["automaticAppDiscount", "metafields", "0", "value"] })]);
    expect(env.store.prepare("SELECT COUNT(*) AS n FROM discounts").get()).toEqual({ n: 0 });
  });

  it("given a Function of another API, when a discount names it, then Shopify's wrong-API error comes back", async () => {
    const env = createTestEnv();
    env.emulator.config.app.functions = [
      {
        id: "019dd44b-127f-724b-a49c-70fc98ff4d72",
        handle: "conformance-cart-transform",
        title: "t",
        apiType: "cart_transform",
      },
    ];
    const result = await env.run(env.shopA, APP_CREATE, {
      input: appInput({ functionHandle: "conformance-cart-transform" }),
    });
    expect((result.data!.discountAutomaticAppCreate as Payload).userErrors).toEqual([
      {
        field: ["automaticAppDiscount", "functionHandle"],
        message:
          "Unexpected Function API. The provided function must implement one of the following extension targets: [product_discounts, order_discounts, shipping_discounts, discount].",
        code: null,
        extraInfo: null,
      },
    ]);
  });
});
