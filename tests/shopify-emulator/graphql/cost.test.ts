import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse, validate } from "graphql";
import { CAPTURES_DIR, capturesAvailable } from "../../helpers/captures.js";
import { describe, expect, it } from "vitest";
import { calculateActualCost, calculateRequestedCost, pageSizeMultiplier } from "./cost.js";
import { getAdminSchema } from "./schema.js";
import { forEachCapturedObject, isRecord } from "../test-support.js";

const CAPTURES = CAPTURES_DIR;

interface CapturedCost {
  file: string;
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
  requested: number;
  actual: number | null;
  data: Record<string, unknown> | null;
}

function findPayload(value: unknown): Record<string, unknown> | null {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findPayload(item);
      if (found) return found;
    }
    return null;
  }
  if (!isRecord(value)) return null;
  const extensions = value.extensions;
  if (isRecord(extensions) && isRecord(extensions.cost) && typeof extensions.cost.requestedQueryCost === "number")
    return value;
  for (const child of Object.values(value)) {
    const found = findPayload(child);
    if (found) return found;
  }
  return null;
}

/** Every (document, variables, Shopify's cost) recorded in the captures: a request next to its response. */
function collectCapturedCosts(): CapturedCost[] {
  const out: CapturedCost[] = [];
  forEachCapturedObject((value, file) => {
    const request = isRecord(value.request) ? value.request : value;
    if (typeof request.query === "string" && request.query.includes("{")) {
      const rest = Object.fromEntries(
        Object.entries(value).filter(([key]) => !["query", "variables", "request"].includes(key)),
      );
      const payload = findPayload(rest);
      const cost =
        payload && isRecord(payload.extensions) && isRecord(payload.extensions.cost) ? payload.extensions.cost : null;
      if (payload && cost) {
        const operationName = /(?:query|mutation)\s+(\w+)/.exec(request.query)?.[1] ?? "";
        out.push({
          file,
          operationName,
          query: request.query,
          variables: isRecord(request.variables) ? request.variables : {},
          requested: cost.requestedQueryCost as number,
          actual: typeof cost.actualQueryCost === "number" ? cost.actualQueryCost : null,
          data: payload.errors ? null : isRecord(payload.data) ? payload.data : null,
        });
      }
    }
  });
  return out;
}

describe("pageSizeMultiplier", () => {
  it("given the page sizes seen in Shopify's answers, when priced, then they match (1→1, 5→3, 10→4, 50→7, 101→9, 250→11)", () => {
    expect([1, 2, 3, 5, 10, 50, 101, 250].map(pageSizeMultiplier)).toEqual([1, 1, 2, 3, 4, 7, 9, 11]);
    expect(pageSizeMultiplier(0)).toBe(0);
  });
});

describe("calculateRequestedCost on hand-written documents", () => {
  const schema = getAdminSchema();
  const cost = (query: string, variables: Record<string, unknown> = {}): number =>
    calculateRequestedCost(schema, parse(query), variables, null);

  it("given scalars only on one object, when priced, then it costs 1", () => {
    expect(cost("{ shop { id name } }")).toBe(1);
  });
  it("given a mutation returning an object, when priced, then it costs 10", () => {
    expect(
      cost(
        'mutation { customerDelete(input: {id: "gid://shopify/Customer/1"}) { deletedCustomerId userErrors { field message } } }',
      ),
    ).toBe(10);
  });
  it("given a connection of 250 with a nested object per node (forum-posted breakdown), when priced, then it is 25", () => {
    expect(
      cost(
        '{ product(id: "gid://shopify/Product/1") { variants(first: 250) { nodes { inventoryItem { id tracked } } } } }',
      ),
    ).toBe(25);
  });
  it("given a page size from a variable, when priced, then the variable's value is used", () => {
    expect(cost("query($n: Int!) { customers(first: $n) { nodes { id } } }", { n: 50 })).toBe(9);
  });
  it("given a count field, when priced, then it costs 10", () => {
    expect(cost("{ customersCount { count } }")).toBe(10);
  });
  it("given @skip on an expensive field, when priced, then it is not charged", () => {
    expect(cost("{ shop { id } customers(first: 250) @skip(if: true) { nodes { id } } }")).toBe(1);
  });
  it("given an interface selection with type-specific fragments, when priced, then the most expensive type counts", () => {
    expect(
      cost(
        '{ node(id: "x") { id ... on Customer { lastOrder { id } } ... on Order { customer { id defaultEmailAddress { emailAddress } } } } }',
      ),
    ).toBe(3);
  });
  it("given a connection selecting both nodes and edges { node }, when priced, then each selection pays for the node (tagsAdd downstream read: 21)", () => {
    const products =
      "products(first: 10, query: $q) { edges { cursor node { id tags } } nodes { id tags } pageInfo { hasNextPage } }";
    expect(
      cost(`query($q: String) { product(id: "x") { id tags } ${products} productsCount(query: $q) { count } }`),
    ).toBe(21);
  });
  it("given a webhook subscription's endpoint union, when priced in a read and in a create payload, then it is free as captured", () => {
    const endpoint =
      "endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } ... on WebhookPubSubEndpoint { pubSubProject } }";
    expect(cost(`{ webhookSubscriptions(first: 3) { nodes { id ${endpoint} } edges { node { id } } } }`)).toBe(6);
    expect(
      cost(
        `mutation { webhookSubscriptionCreate(topic: SHOP_UPDATE, webhookSubscription: { uri: "https://example.com/h" }) {
          webhookSubscription { id ${endpoint} } userErrors { field message } } }`,
      ),
    ).toBe(10);
  });
});

describe.skipIf(!capturesAvailable())("calculateRequestedCost against Shopify's captured requestedQueryCost", () => {
  const schema = getAdminSchema();
  const captured = existsSync(join(CAPTURES, "fixtures")) ? collectCapturedCosts() : [];
  const ours = (entry: CapturedCost): number =>
    calculateRequestedCost(schema, parse(entry.query), entry.variables, null);

  // A handful of documents the app's own queries resemble; each must equal Shopify's number exactly.
  it.each([
    "CustomerDetailParityPlan",
    "CustomersCatalogParityPlan",
    "CustomersSearchRead",
    "CustomersRelevanceSearchRead",
    "CustomersSortKeysRead",
    "CustomersCountRead",
    "SegmentAuthoritativePrerequisites",
    "SegmentMutationFirstDeleteRead",
    "BulkProductsCatalogHydrate",
    "BulkOperationsSortKeyCapture",
    "BulkOperationRootCountProductChildrenVisible",
    "DiscountAppFunctionValidationCatalog",
    "OrderManagementDownstreamRead",
    "CustomerOrderSummarySet",
    "BulkOperationRunMutationAllowedRootsStagedUpload",
    "OrdersOrderHydrate",
    "TagsArticleHydrate",
    "CustomerOrderSummaryRead",
    "BulkOperationsCatalogCapture",
  ])("given the captured %s, when priced, then requestedQueryCost equals Shopify's", (operationName) => {
    const entries = captured.filter((entry) => entry.operationName === operationName);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect({ operationName, cost: ours(entry) }).toEqual({ operationName, cost: entry.requested });
  });

  /**
   * Known differences (Shopify hand-sets some costs; too few samples to fit them):
   * - `customerSegmentMembersQueryCreate` costs 2 with `segmentId`, 10 with `query`; `flowTriggerReceive` 1;
   *   `bulkOperationRunMutation` 1, 10 or 11 depending on the run; `productCreateMedia` 20 (in the overrides).
   * - Some objects are free or dearer than 1 in ways not yet pinned down: `nodes(ids:)` over a big Product
   *   selection, `Shop` sub-objects (`features`, `resourceLimits`, …), `ordersCount` next to other roots,
   *   `productVariantsBulkUpdate` payload lists.
   */
  it("given every captured request, when priced, then at least 95% equal Shopify's requestedQueryCost", () => {
    const valid = captured.filter((entry) => validate(schema, parse(entry.query)).length === 0);
    const matching = valid.filter((entry) => ours(entry) === entry.requested);
    expect(valid.length).toBeGreaterThan(700);
    expect(matching.length / valid.length).toBeGreaterThanOrEqual(0.95);
  });

  it("given captured responses, when the actual cost is computed from the returned data, then most equal Shopify's", () => {
    const withData = captured.filter(
      (entry) => entry.actual !== null && entry.data && validate(schema, parse(entry.query)).length === 0,
    );
    const matching = withData.filter(
      (entry) => calculateActualCost(schema, parse(entry.query), entry.variables, null, entry.data) === entry.actual,
    );
    // Shopify's actual cost is less regular than the requested one (null objects are sometimes charged, empty
    // pages sometimes charged in full); the emulator keeps the simple rule and this records how close it is.
    expect(matching.length / withData.length).toBeGreaterThanOrEqual(0.8);
  });
});
