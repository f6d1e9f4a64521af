import { GraphQLError } from "graphql";
import type { ResolverContext } from "../schema.js";
import type { CustomerRecord, OrderRecord, ProductRecord } from "../../store/types.js";
import { parseGid } from "../../store/types.js";
import { sortedTags } from "./format.js";
import { customerNode, loadOrder, orderNode, productNode } from "./objects.js";

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS = 250;

/** Shopify's tag input rules: every element split on commas, trimmed, empties dropped. */
export function normalizeTagInput(input: readonly string[]): string[] {
  return input
    .flatMap((tag) => tag.split(","))
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
}

/** Adds tags not already present case-insensitively; an existing tag keeps its case. Sorted like Shopify lists them. */
export function addTags(existing: readonly string[], added: readonly string[]): string[] {
  const result = [...existing];
  const seen = new Set(existing.map((tag) => tag.toLowerCase()));
  for (const tag of normalizeTagInput(added)) {
    if (seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    result.push(tag);
  }
  return sortedTags(result);
}

export function removeTags(existing: readonly string[], removed: readonly string[]): string[] {
  const drop = new Set(normalizeTagInput(removed).map((tag) => tag.toLowerCase()));
  return sortedTags(existing.filter((tag) => !drop.has(tag.toLowerCase())));
}

interface UserError {
  __typename: "UserError";
  field: string[] | null;
  message: string;
}

function tagLimitErrors(tags: readonly string[]): UserError[] {
  const errors: UserError[] = [];
  // Text of the count error as customerCreate answers it (captured); tagsAdd's own wording is unconfirmed.
  if (tags.length > MAX_TAGS)
    errors.push({ __typename: "UserError", field: ["tags"], message: `Tags cannot be more than ${MAX_TAGS}` });
  // Unconfirmed text: no capture of an over-long tag yet.
  if (tags.some((tag) => tag.length > MAX_TAG_LENGTH)) {
    errors.push({
      __typename: "UserError",
      field: ["tags"],
      message: `Tag is too long (maximum is ${MAX_TAG_LENGTH} characters)`,
    });
  }
  return errors;
}

type Change = (tags: readonly string[], input: readonly string[]) => string[];

function tagsMutation(payloadType: string, change: Change) {
  return (args: Record<string, unknown>, ctx: ResolverContext) => {
    const id = String(args.id);
    const input = Array.isArray(args.tags) ? args.tags.map(String) : [String(args.tags)];
    const gid = parseGid(id);
    const store = ctx.emulator.store;
    const payload = (node: unknown, userErrors: UserError[]) => ({ __typename: payloadType, node, userErrors });
    const notFound = (type: string) =>
      payload(null, [{ __typename: "UserError", field: ["id"], message: `${type} does not exist` }]);
    const now = store.nowIso();

    switch (gid?.type) {
      case "Customer": {
        const customer = store.getCustomer(ctx.shop.id, gid.id);
        if (!customer) return notFound("Customer");
        const tags = change(customer.tags, input);
        const errors = tagLimitErrors(tags);
        if (errors.length > 0) return payload(null, errors);
        const updated: CustomerRecord = sameTags(customer.tags, tags)
          ? customer
          : { ...customer, tags, updatedAt: now };
        if (updated !== customer) store.putCustomer(ctx.shop.id, updated);
        return payload(customerNode(ctx, updated), []);
      }
      case "Order": {
        const order = loadOrder(ctx, gid.id);
        if (!order) return notFound("Order");
        const tags = change(order.tags, input);
        const errors = tagLimitErrors(tags);
        if (errors.length > 0) return payload(null, errors);
        const updated: OrderRecord = sameTags(order.tags, tags) ? order : { ...order, tags, updatedAt: now };
        if (updated !== order) store.putOrder(ctx.shop.id, updated);
        return payload(orderNode(ctx, updated), []);
      }
      case "Product": {
        const product = store.getRecord<ProductRecord>("products", ctx.shop.id, gid.id);
        if (!product) return notFound("Product");
        const tags = change(product.tags, input);
        const errors = tagLimitErrors(tags);
        if (errors.length > 0) return payload(null, errors);
        const updated: ProductRecord = sameTags(product.tags, tags) ? product : { ...product, tags, updatedAt: now };
        if (updated !== product) store.putProduct(ctx.shop.id, updated);
        return payload(productNode(ctx, updated), []);
      }
      default:
        // Captured for an unsupported type. Article and DraftOrder are taggable on Shopify but not modelled here.
        throw new GraphQLError("invalid id", { extensions: { code: "RESOURCE_NOT_FOUND" } });
    }
  };
}

function sameTags(existing: readonly string[], b: readonly string[]): boolean {
  const a = sortedTags(existing);
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}

export const tagsAdd = tagsMutation("TagsAddPayload", addTags);
export const tagsRemove = tagsMutation("TagsRemovePayload", removeTags);
