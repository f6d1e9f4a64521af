import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildClientSchema, type GraphQLResolveInfo, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { SHOPIFY_API_VERSION } from "../../../app/lib/api-version.js";
import type { EmulatorContext } from "../context.js";
import type { ShopRecord } from "../store/types.js";

/** What every resolver receives: the emulator, the shop the token belongs to, and the calling app. */
export interface ResolverContext {
  emulator: EmulatorContext;
  shop: ShopRecord;
  clientId: string;
  scopes: string[];
  /** The API version of the request (`2026-04`, `unstable`); absent outside HTTP (tests, the bulk exporter). */
  apiVersion?: string;
}

/**
 * A resolver for one field. On root types it is looked up in `RootResolvers`; on other objects a property of
 * the returned plain object may be such a function (for fields with arguments, e.g. `Customer.orders(first:)`).
 */
export type FieldResolver = (
  args: Record<string, unknown>,
  context: ResolverContext,
  info: GraphQLResolveInfo,
) => unknown;

export interface RootResolvers {
  QueryRoot: Record<string, FieldResolver>;
  Mutation: Record<string, FieldResolver>;
}

export const SCHEMA_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");

let adminSchema: GraphQLSchema | null = null;

/** Shopify's real Admin schema for `SHOPIFY_API_VERSION` (vendored introspection), built once per process. */
export function getAdminSchema(): GraphQLSchema {
  adminSchema ??= loadIntrospectionSchema(join(SCHEMA_DIR, `admin_${SHOPIFY_API_VERSION}.json.gz`));
  return adminSchema;
}

export function loadIntrospectionSchema(path: string): GraphQLSchema {
  const parsed = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8")) as
    { data: IntrospectionQuery } | IntrospectionQuery;
  const introspection = "data" in parsed ? parsed.data : parsed;
  return buildClientSchema(introspection, { assumeValid: true });
}
