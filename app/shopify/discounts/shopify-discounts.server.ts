/**
 * Shopify's side of segment discounts through the Admin API: customer segments (segmentCreate/Update/Delete on
 * `customer_tags CONTAINS '<tag>'`) and native discounts limited to a segment by `context: {customerSegments: {add}}`
 * (2026-10; `customerSelection` is deprecated), with their live status and use count; and tag discounts, automatic
 * app discounts run by Cohort's discount Function (`discountAutomaticAppCreate` by the extension's handle), configured
 * by the JSON metafield `$app:cohort.tag-discount` the Function reads (docs/decisions/0016-discount-function.md).
 */
import type {
  DiscountMethod,
  LiveDiscountState,
  ShopifyDiscountInput,
  ShopifyDiscounts,
  ShopifyResult,
  ShopifyUserError,
} from "../../services/discounts/ports.js";

/** Any GraphQL executor (AdminClient.execute, or a test's). */
export type ExecuteGraphql = <TData>(document: string, variables?: Record<string, unknown>) => Promise<TData>;

const SEGMENT_CREATE = `#graphql
mutation CohortSegmentCreate($name: String!, $query: String!) {
  segmentCreate(name: $name, query: $query) { segment { id name } userErrors { field message } }
}`;
const SEGMENT_UPDATE = `#graphql
mutation CohortSegmentUpdate($id: ID!, $name: String, $query: String) {
  segmentUpdate(id: $id, name: $name, query: $query) { segment { id } userErrors { field message } }
}`;
const SEGMENT_DELETE = `#graphql
mutation CohortSegmentDelete($id: ID!) {
  segmentDelete(id: $id) { deletedSegmentId userErrors { field message } }
}`;
const CODE_BASIC_CREATE = `#graphql
mutation CohortDiscountCodeBasicCreate($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) { codeDiscountNode { id } userErrors { field message code } }
}`;
const AUTOMATIC_BASIC_CREATE = `#graphql
mutation CohortDiscountAutomaticBasicCreate($input: DiscountAutomaticBasicInput!) {
  discountAutomaticBasicCreate(automaticBasicDiscount: $input) { automaticDiscountNode { id } userErrors { field message code } }
}`;
const CODE_FREE_SHIPPING_CREATE = `#graphql
mutation CohortDiscountCodeFreeShippingCreate($input: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $input) { codeDiscountNode { id } userErrors { field message code } }
}`;
const AUTOMATIC_FREE_SHIPPING_CREATE = `#graphql
mutation CohortDiscountAutomaticFreeShippingCreate($input: DiscountAutomaticFreeShippingInput!) {
  discountAutomaticFreeShippingCreate(freeShippingAutomaticDiscount: $input) { automaticDiscountNode { id } userErrors { field message code } }
}`;
const AUTOMATIC_APP_CREATE = `#graphql
mutation CohortDiscountAutomaticAppCreate($input: DiscountAutomaticAppInput!) {
  discountAutomaticAppCreate(automaticAppDiscount: $input) { automaticAppDiscount { discountId } userErrors { field message code } }
}`;
/** extensions/cohort-tag-discount/shopify.extension.toml: `handle`, and the metafield of `[extensions.input.variables]`. */
export const TAG_DISCOUNT_FUNCTION_HANDLE = "cohort-tag-discount";
export const TAG_DISCOUNT_METAFIELD = { namespace: "$app:cohort", key: "tag-discount" } as const;
const CODE_DELETE = `#graphql
mutation CohortDiscountCodeDelete($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field message } } }`;
const AUTOMATIC_DELETE = `#graphql
mutation CohortDiscountAutomaticDelete($id: ID!) {
  discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId userErrors { field message } }
}`;
const TAGGED_COUNT = `#graphql
query CohortTaggedCustomers($query: String!) { customersCount(query: $query, limit: 1) { count } }`;

const STATE_FIELDS = "status asyncUsageCount";
function statesQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, i) => `$id${i}: ID!`).join(", ");
  const fields = Array.from(
    { length: count },
    (_, i) => `d${i}: discountNode(id: $id${i}) { id discount { __typename
      ... on DiscountCodeBasic { ${STATE_FIELDS} } ... on DiscountCodeFreeShipping { ${STATE_FIELDS} }
      ... on DiscountAutomaticBasic { ${STATE_FIELDS} } ... on DiscountAutomaticFreeShipping { ${STATE_FIELDS} }
      ... on DiscountAutomaticApp { ${STATE_FIELDS} } } }`,
  ).join("\n");
  return `query CohortDiscountStates(${variables}) {\n${fields}\n}`;
}

type Payload = { userErrors: ShopifyUserError[] } & Record<string, unknown>;

/** ORDER for an amount off the order, SHIPPING for free delivery: the Function gives what the classes say. */
function tagDiscountInput(input: ShopifyDiscountInput): Record<string, unknown> {
  return {
    title: input.title,
    functionHandle: TAG_DISCOUNT_FUNCTION_HANDLE,
    discountClasses: [input.kind === "free_shipping" ? "SHIPPING" : "ORDER"],
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    combinesWith: input.combinesWith,
    metafields: [{ ...TAG_DISCOUNT_METAFIELD, type: "json", value: JSON.stringify(input.tagDiscount) }],
  };
}

function discountInput(input: ShopifyDiscountInput): Record<string, unknown> {
  const common: Record<string, unknown> = {
    title: input.title,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    combinesWith: input.combinesWith,
    context: { customerSegments: { add: [input.shopifySegmentId] } },
  };
  if (input.minimumSubtotal !== null)
    common.minimumRequirement = { subtotal: { greaterThanOrEqualToSubtotal: input.minimumSubtotal } };
  if (input.method === "code") {
    common.code = input.code;
    common.usageLimit = input.usageLimit;
    common.appliesOncePerCustomer = input.appliesOncePerCustomer;
  }
  if (input.kind === "free_shipping") return { ...common, destination: { all: true } };
  const value =
    input.kind === "percentage"
      ? { percentage: Number(input.value) / 100 }
      : { discountAmount: { amount: input.value, appliesOnEachItem: false } };
  return { ...common, customerGets: { value, items: { all: true } } };
}

export function shopifyDiscounts(execute: ExecuteGraphql): ShopifyDiscounts {
  return {
    async createSegment(name, query) {
      const data = await execute<{ segmentCreate: Payload & { segment: { id: string; name: string } | null } }>(
        SEGMENT_CREATE,
        { name, query },
      );
      const payload = data.segmentCreate;
      return payload.segment ? { ok: true, value: payload.segment } : { ok: false, userErrors: payload.userErrors };
    },
    async updateSegment(id, changes) {
      const data = await execute<{ segmentUpdate: Payload & { segment: { id: string } | null } }>(SEGMENT_UPDATE, {
        id,
        ...changes,
      });
      const payload = data.segmentUpdate;
      return payload.segment ? { ok: true, value: payload.segment } : { ok: false, userErrors: payload.userErrors };
    },
    async deleteSegment(id) {
      const data = await execute<{ segmentDelete: Payload & { deletedSegmentId: string | null } }>(SEGMENT_DELETE, {
        id,
      });
      return data.segmentDelete.deletedSegmentId !== null;
    },
    async createDiscount(input): Promise<ShopifyResult<{ id: string }>> {
      if (input.method === "function") {
        const data = await execute<{
          discountAutomaticAppCreate: Payload & { automaticAppDiscount: { discountId: string } | null };
        }>(AUTOMATIC_APP_CREATE, { input: tagDiscountInput(input) });
        const payload = data.discountAutomaticAppCreate;
        return payload.automaticAppDiscount
          ? { ok: true, value: { id: payload.automaticAppDiscount.discountId } }
          : { ok: false, userErrors: payload.userErrors };
      }
      const [document, root, nodeField] =
        input.method === "code"
          ? input.kind === "free_shipping"
            ? [CODE_FREE_SHIPPING_CREATE, "discountCodeFreeShippingCreate", "codeDiscountNode"]
            : [CODE_BASIC_CREATE, "discountCodeBasicCreate", "codeDiscountNode"]
          : input.kind === "free_shipping"
            ? [AUTOMATIC_FREE_SHIPPING_CREATE, "discountAutomaticFreeShippingCreate", "automaticDiscountNode"]
            : [AUTOMATIC_BASIC_CREATE, "discountAutomaticBasicCreate", "automaticDiscountNode"];
      const data = await execute<Record<string, Payload>>(document, { input: discountInput(input) });
      const payload = data[root]!;
      const node = payload[nodeField] as { id: string } | null;
      return node ? { ok: true, value: { id: node.id } } : { ok: false, userErrors: payload.userErrors };
    },
    async deleteDiscount(id, method: DiscountMethod) {
      await execute(method === "code" ? CODE_DELETE : AUTOMATIC_DELETE, { id });
    },
    async discountStates(ids) {
      const states = new Map<string, LiveDiscountState>();
      for (let start = 0; start < ids.length; start += 25) {
        const chunk = ids.slice(start, start + 25);
        const variables = Object.fromEntries(chunk.map((id, i) => [`id${i}`, id]));
        const data = await execute<
          Record<string, { discount: { status: LiveDiscountState["status"]; asyncUsageCount?: number } } | null>
        >(statesQuery(chunk.length), variables);
        chunk.forEach((id, i) => {
          const node = data[`d${i}`];
          states.set(
            id,
            node
              ? { status: node.discount.status, asyncUsageCount: node.discount.asyncUsageCount ?? 0 }
              : { status: "DELETED", asyncUsageCount: 0 },
          );
        });
      }
      return states;
    },
    async customersWithTag(tag) {
      const data = await execute<{ customersCount: { count: number } }>(TAGGED_COUNT, {
        query: `tag:'${tag.replace(/'/g, "\\'")}'`,
      });
      return data.customersCount.count;
    },
  };
}
