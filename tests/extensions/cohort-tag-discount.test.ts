import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, Kind, parse, printSchema, visit } from "graphql";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { cartDeliveryOptionsDiscountsGenerateRun } from "../../extensions/cohort-tag-discount/src/cart_delivery_options_discounts_generate_run.js";
import { cartLinesDiscountsGenerateRun } from "../../extensions/cohort-tag-discount/src/cart_lines_discounts_generate_run.js";
import { parseConfiguration } from "../../extensions/cohort-tag-discount/src/configuration.js";
import type { CartInput, DeliveryInput } from "../../extensions/cohort-tag-discount/src/types.js";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import {
  EXTENSION_DIR,
  functionInput,
  getDiscountFunctionSchema,
  METAFIELD,
  readInputQuery,
  resultProblems,
  validateInputQuery,
  type CartFixture,
} from "./function-harness.js";

const LINES_QUERY = readInputQuery("cart_lines_discounts_generate_run.graphql");
const DELIVERY_QUERY = readInputQuery("cart_delivery_options_discounts_generate_run.graphql");
const VIP_TEN_PERCENT = { tags: ["cohort:vip"], percentage: 10, message: "10% off for VIPs" };

async function runLines(fixture: CartFixture) {
  const output = cartLinesDiscountsGenerateRun(await functionInput<CartInput>(LINES_QUERY, fixture));
  expect(resultProblems("CartLinesDiscountsGenerateRunResult", output)).toEqual([]);
  return output;
}

async function runDelivery(fixture: CartFixture) {
  const output = cartDeliveryOptionsDiscountsGenerateRun(await functionInput<DeliveryInput>(DELIVERY_QUERY, fixture));
  expect(resultProblems("CartDeliveryOptionsDiscountsGenerateRunResult", output)).toEqual([]);
  return output;
}

const orderDiscount = (value: unknown, message?: string) => ({
  operations: [
    {
      orderDiscountsAdd: {
        selectionStrategy: "FIRST",
        candidates: [
          { ...(message ? { message } : {}), targets: [{ orderSubtotal: { excludedCartLineIds: [] } }], value },
        ],
      },
    },
  ],
});

describe("the discount Function's configuration and input queries", () => {
  it("declares both discount targets, API 2026-10, and the metafield its input queries read as variables", () => {
    const toml = parseToml(readFileSync(join(EXTENSION_DIR, "shopify.extension.toml"), "utf8")) as {
      api_version: string;
      extensions: Array<{
        type: string;
        targeting: Array<{ target: string; input_query: string; export: string }>;
        input: { variables: { namespace: string; key: string } };
      }>;
    };
    expect(toml.api_version).toBe(SHOPIFY_API_VERSION);
    const [extension] = toml.extensions;
    expect(extension?.type).toBe("function");
    expect(extension?.targeting.map(({ target, export: name }) => [target, name])).toEqual([
      ["cart.lines.discounts.generate.run", "cart-lines-discounts-generate-run"],
      ["cart.delivery-options.discounts.generate.run", "cart-delivery-options-discounts-generate-run"],
    ]);
    expect(extension?.input.variables).toEqual(METAFIELD);
    for (const { input_query: file } of extension?.targeting ?? []) {
      // Each input query reads the configuration from the same metafield the variables come from.
      const metafieldArguments: Array<Record<string, string>> = [];
      visit(parse(readFileSync(join(EXTENSION_DIR, file), "utf8")), {
        Field(node) {
          if (node.name.value !== "metafield") return;
          metafieldArguments.push(
            Object.fromEntries(
              (node.arguments ?? []).map((arg) => [
                arg.name.value,
                arg.value.kind === Kind.STRING ? arg.value.value : "",
              ]),
            ),
          );
        },
      });
      expect(metafieldArguments).toEqual([METAFIELD]);
    }
  });

  it("validates both input queries against the vendored Discount Function schema", () => {
    expect(validateInputQuery(LINES_QUERY)).toEqual([]);
    expect(validateInputQuery(DELIVERY_QUERY)).toEqual([]);
  });

  it("is checked for real: a field the schema lacks or a mistyped variable fails validation", () => {
    expect(validateInputQuery(LINES_QUERY.replace("hasAnyTag(tags: $tags)", "hasAnyTags(tags: $tags)"))).not.toEqual(
      [],
    );
    expect(validateInputQuery(LINES_QUERY.replace("$tags: [String!]", "$tags: [Int!]"))).not.toEqual([]);
  });

  it("ships the vendored schema as the extension's schema.graphql (what `shopify app function typegen` reads)", () => {
    const shipped = buildSchema(readFileSync(join(EXTENSION_DIR, "schema.graphql"), "utf8"));
    expect(printSchema(shipped)).toBe(printSchema(getDiscountFunctionSchema()));
  });
});

describe("the discount Function on carts", () => {
  it("gives a tagged buyer the configured percentage off the order", async () => {
    const output = await runLines({
      customerTags: ["cohort:vip"],
      discountClasses: ["ORDER"],
      configuration: VIP_TEN_PERCENT,
    });
    expect(output).toEqual(orderDiscount({ percentage: { value: 10 } }, "10% off for VIPs"));
  });

  it("gives an untagged buyer nothing", async () => {
    const output = await runLines({
      customerTags: ["newsletter"],
      discountClasses: ["ORDER"],
      configuration: VIP_TEN_PERCENT,
    });
    expect(output).toEqual({ operations: [] });
  });

  it("gives a guest nothing, with or without a buyer identity", async () => {
    for (const customerTags of [null, "no-buyer-identity"] as const) {
      expect(await runLines({ customerTags, discountClasses: ["ORDER"], configuration: VIP_TEN_PERCENT })).toEqual({
        operations: [],
      });
      expect(
        await runDelivery({ customerTags, discountClasses: ["SHIPPING"], configuration: VIP_TEN_PERCENT }),
      ).toEqual({ operations: [] });
    }
  });

  it("leaves tag matching to Shopify's hasAnyTag: a tag differing only in case qualifies there, so here too", async () => {
    // The Function never sees tags, only hasAnyTag's boolean; the harness answers it as Shopify matches tags.
    const output = await runLines({
      customerTags: ["Cohort:VIP "],
      discountClasses: ["ORDER"],
      configuration: VIP_TEN_PERCENT,
    });
    expect(output).toEqual(orderDiscount({ percentage: { value: 10 } }, "10% off for VIPs"));
  });

  it("asks hasAnyTag about exactly the configured tags, any one of which qualifies", async () => {
    const configuration = { tags: ["cohort:vip", "cohort:champions", "wholesale"], percentage: 15 };
    for (const tag of ["cohort:champions", "wholesale"]) {
      const output = await runLines({ customerTags: ["other", tag], discountClasses: ["ORDER"], configuration });
      expect(output).toEqual(orderDiscount({ percentage: { value: 15 } }));
    }
    expect(await runLines({ customerTags: ["cohort:at-risk"], discountClasses: ["ORDER"], configuration })).toEqual({
      operations: [],
    });
  });

  it("converts a configured fixed amount from the shop's currency to the cart's", async () => {
    const configuration = { tags: ["cohort:vip"], fixedAmount: "5.00" };
    expect(await runLines({ customerTags: ["cohort:vip"], discountClasses: ["ORDER"], configuration })).toEqual(
      orderDiscount({ fixedAmount: { amount: "5.00" } }),
    );
    const inEuros = await runLines({
      customerTags: ["cohort:vip"],
      discountClasses: ["ORDER"],
      configuration,
      presentmentCurrencyRate: "0.9215",
    });
    expect(inEuros).toEqual(orderDiscount({ fixedAmount: { amount: "4.61" } }));
  });

  it("discounts every line when the discount is a product discount, and the order only once when both", async () => {
    const lines = ["gid://shopify/CartLine/1", "gid://shopify/CartLine/2"];
    const product = await runLines({
      customerTags: ["cohort:vip"],
      discountClasses: ["PRODUCT"],
      configuration: VIP_TEN_PERCENT,
      lines,
    });
    expect(product).toEqual({
      operations: [
        {
          productDiscountsAdd: {
            selectionStrategy: "FIRST",
            candidates: [
              {
                message: "10% off for VIPs",
                targets: lines.map((id) => ({ cartLine: { id } })),
                value: { percentage: { value: 10 } },
              },
            ],
          },
        },
      ],
    });
    const both = await runLines({
      customerTags: ["cohort:vip"],
      discountClasses: ["PRODUCT", "ORDER"],
      configuration: VIP_TEN_PERCENT,
    });
    expect(both).toEqual(orderDiscount({ percentage: { value: 10 } }, "10% off for VIPs"));
    expect(
      await runLines({ customerTags: ["cohort:vip"], discountClasses: ["SHIPPING"], configuration: VIP_TEN_PERCENT }),
    ).toEqual({ operations: [] });
  });

  it("discounts every delivery group of a tagged buyer when the discount has the shipping class", async () => {
    const groups = ["gid://shopify/CartDeliveryGroup/1", "gid://shopify/CartDeliveryGroup/2"];
    const configuration = { tags: ["cohort:vip"], percentage: 100, message: "Free shipping for VIPs" };
    expect(
      await runDelivery({
        customerTags: ["cohort:vip"],
        discountClasses: ["SHIPPING"],
        configuration,
        deliveryGroups: groups,
      }),
    ).toEqual({
      operations: [
        {
          deliveryDiscountsAdd: {
            selectionStrategy: "ALL",
            candidates: [
              {
                message: "Free shipping for VIPs",
                targets: groups.map((id) => ({ deliveryGroup: { id } })),
                value: { percentage: { value: 100 } },
              },
            ],
          },
        },
      ],
    });
    expect(await runDelivery({ customerTags: ["cohort:vip"], discountClasses: ["ORDER"], configuration })).toEqual({
      operations: [],
    });
    expect(await runDelivery({ customerTags: ["guest-list"], discountClasses: ["SHIPPING"], configuration })).toEqual({
      operations: [],
    });
  });

  it("gives nothing without a configuration metafield", async () => {
    expect(await runLines({ customerTags: ["cohort:vip"], discountClasses: ["ORDER"] })).toEqual({ operations: [] });
    expect(await runDelivery({ customerTags: ["cohort:vip"], discountClasses: ["SHIPPING"] })).toEqual({
      operations: [],
    });
  });

  it.each([
    ["not an object", ["cohort:vip"]],
    ["no tags", { percentage: 10 }],
    ["empty tags", { tags: [], percentage: 10 }],
    ["a blank tag", { tags: ["cohort:vip", " "], percentage: 10 }],
    ["a tag with a comma", { tags: ["vip,gold"], percentage: 10 }],
    ["a tag over 255 characters", { tags: ["x".repeat(256)], percentage: 10 }],
    ["tags not strings", { tags: [7], percentage: 10 }],
    ["no value", { tags: ["cohort:vip"] }],
    ["both values", { tags: ["cohort:vip"], percentage: 10, fixedAmount: 5 }],
    ["a percentage over 100", { tags: ["cohort:vip"], percentage: 101 }],
    ["a zero percentage", { tags: ["cohort:vip"], percentage: 0 }],
    ["a negative amount", { tags: ["cohort:vip"], fixedAmount: -5 }],
    ["an amount that is not a decimal", { tags: ["cohort:vip"], fixedAmount: "5 dollars" }],
    ["a percentage as text", { tags: ["cohort:vip"], percentage: "ten" }],
    ["a message not text", { tags: ["cohort:vip"], percentage: 10, message: 10 }],
  ])("gives nothing for a malformed configuration: %s", async (_name, configuration) => {
    expect(parseConfiguration(configuration)).toBeNull();
    // Shopify would still run the query; a malformed tags value can only make hasAnyTag's variable invalid, which
    // fails the run before the Function (no discount either), so only well-typed variables are run here.
    const tags = (configuration as { tags?: unknown }).tags;
    const runnable = tags === undefined || (Array.isArray(tags) && tags.every((tag) => typeof tag === "string"));
    if (!runnable || Array.isArray(configuration)) return;
    expect(
      await runLines({ customerTags: ["cohort:vip", "vip,gold", " "], discountClasses: ["ORDER"], configuration }),
    ).toEqual({
      operations: [],
    });
  });

  it("accepts a configuration's amounts as numbers or decimal text and trims its message", () => {
    expect(parseConfiguration({ tags: ["a"], fixedAmount: 5, message: "  Thanks  " })).toEqual({
      tags: ["a"],
      value: { kind: "fixedAmount", amount: 5 },
      message: "Thanks",
    });
    expect(parseConfiguration({ tags: ["a"], percentage: "12.5", message: "" })).toEqual({
      tags: ["a"],
      value: { kind: "percentage", percentage: 12.5 },
      message: null,
    });
  });

  it("catches a result Shopify would refuse (the output check can fail)", () => {
    expect(
      resultProblems("CartLinesDiscountsGenerateRunResult", { operations: [{ orderDiscountsAdd: {} }] }),
    ).not.toEqual([]);
  });
});
