import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  coerceInputValue,
  execute,
  parse,
  validate,
  type GraphQLError,
  type GraphQLInputType,
  type GraphQLSchema,
} from "graphql";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { loadIntrospectionSchema, SCHEMA_DIR } from "../shopify-emulator/graphql/schema.js";

/**
 * Runs the discount Function's input queries as Shopify would: against the real 2026-10 Discount Function schema
 * (vendored), on a cart described by a fixture, with the query's variables filled from the discount's metafield's
 * top-level keys (a key the metafield lacks is left out, so the argument's own default applies). hasAnyTag
 * compares tags ignoring case and surrounding spaces, as Shopify matches tags everywhere (shared/shopify-facts.md:
 * tags are de-duplicated case-insensitively); the Function itself only ever sees the boolean.
 */

export const EXTENSION_DIR = join(process.cwd(), "extensions", "cohort-tag-discount");
export const METAFIELD = { namespace: "$app:cohort", key: "tag-discount" };

let discountSchema: GraphQLSchema | null = null;

export function getDiscountFunctionSchema(): GraphQLSchema {
  discountSchema ??= loadIntrospectionSchema(join(SCHEMA_DIR, `functions_discount_${SHOPIFY_API_VERSION}.json.gz`));
  return discountSchema;
}

export function readInputQuery(file: string): string {
  return readFileSync(join(EXTENSION_DIR, "src", file), "utf8");
}

export interface CartFixture {
  /** The buyer's tags; null for a guest checkout (no customer), "no-buyer-identity" for none at all. */
  customerTags: string[] | null | "no-buyer-identity";
  discountClasses: Array<"PRODUCT" | "ORDER" | "SHIPPING">;
  /** The discount's `$app:cohort.tag-discount` metafield (its jsonValue); undefined when it is not set. */
  configuration?: unknown;
  lines?: string[];
  deliveryGroups?: string[];
  presentmentCurrencyRate?: string;
}

const fold = (tag: string) => tag.trim().toLowerCase();

function rootValue(fixture: CartFixture) {
  const tags = fixture.customerTags;
  const customer = Array.isArray(tags)
    ? {
        hasAnyTag: ({ tags: asked }: { tags: string[] }) =>
          asked.some((tag) => tags.some((own) => fold(own) === fold(tag))),
      }
    : null;
  return {
    cart: {
      buyerIdentity: tags === "no-buyer-identity" ? null : { customer, isAuthenticated: customer !== null },
      lines: (fixture.lines ?? ["gid://shopify/CartLine/1"]).map((id) => ({ id })),
      deliveryGroups: (fixture.deliveryGroups ?? ["gid://shopify/CartDeliveryGroup/1"]).map((id) => ({ id })),
    },
    discount: {
      discountClasses: fixture.discountClasses,
      metafield: ({ namespace, key }: { namespace?: string; key: string }) =>
        fixture.configuration !== undefined && namespace === METAFIELD.namespace && key === METAFIELD.key
          ? { jsonValue: fixture.configuration, type: "json", value: JSON.stringify(fixture.configuration) }
          : null,
    },
    presentmentCurrencyRate: fixture.presentmentCurrencyRate ?? "1.0",
  };
}

/** The query's variables from the metafield: each top-level key that names a declared variable. */
function variablesFrom(configuration: unknown): Record<string, unknown> {
  return typeof configuration === "object" && configuration !== null && !Array.isArray(configuration)
    ? (configuration as Record<string, unknown>)
    : {};
}

export function validateInputQuery(query: string): readonly GraphQLError[] {
  return validate(getDiscountFunctionSchema(), parse(query));
}

/** The Function's input: the query's answer on this cart, as JSON (what Shopify hands the Wasm module). */
export async function functionInput<T>(query: string, fixture: CartFixture): Promise<T> {
  const document = parse(query);
  const declared = new Set(
    document.definitions.flatMap((definition) =>
      definition.kind === "OperationDefinition"
        ? (definition.variableDefinitions ?? []).map((variable) => variable.variable.name.value)
        : [],
    ),
  );
  const variableValues = Object.fromEntries(
    Object.entries(variablesFrom(fixture.configuration)).filter(([name]) => declared.has(name)),
  );
  const result = await execute({
    schema: getDiscountFunctionSchema(),
    document,
    rootValue: rootValue(fixture),
    variableValues,
  });
  if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join("; "));
  return JSON.parse(JSON.stringify(result.data)) as T;
}

/** Problems of a Function result against the schema's result type (empty when Shopify would accept it). */
export function resultProblems(typeName: string, output: unknown): string[] {
  const type = getDiscountFunctionSchema().getType(typeName) as GraphQLInputType | undefined;
  if (!type) return [`no type ${typeName}`];
  const problems: string[] = [];
  coerceInputValue(JSON.parse(JSON.stringify(output)), type, (path, _value, error) => {
    problems.push(`${path.join(".")}: ${error.message}`);
  });
  return problems;
}
