import type { IncomingHttpHeaders } from "node:http";
import { authenticateAccessToken } from "../auth/tokens.js";
import type { EmulatorContext } from "../context.js";
import { json, type EmulatorResponse, type Router } from "../http.js";
import { executeGraphql } from "./execute.js";
import { buildRootResolvers } from "./resolvers/index.js";
import { getAdminSchema, type RootResolvers } from "./schema.js";
import { CostThrottle } from "./throttle.js";

/** Versions Shopify serves at the time of SHOPIFY_API_VERSION 2026-10 (four stable quarters back, and unstable). */
export const SUPPORTED_API_VERSIONS: readonly string[] = [
  "2025-10",
  "2026-01",
  "2026-04",
  "2026-07",
  "2026-10",
  "unstable",
];

export const MISSING_QUERY_BODY = { errors: { query: "Required parameter missing or invalid" } } as const;

export interface GraphqlHttpRequest {
  version: string;
  headers: IncomingHttpHeaders;
  /** The raw request body. */
  body: Buffer | string;
}

export interface GraphqlHandlerOptions {
  /** Defaults to `buildRootResolvers()`. */
  resolvers?: RootResolvers;
}

const throttles = new WeakMap<EmulatorContext, CostThrottle>();
const defaultResolvers = new WeakMap<EmulatorContext, RootResolvers>();

/** The per-(shop, app) cost buckets of one emulator; the clock is the store's, so tests can move time. */
export function throttleFor(context: EmulatorContext): CostThrottle {
  let throttle = throttles.get(context);
  if (!throttle) {
    throttle = new CostThrottle(() => context.store.now().getTime());
    throttles.set(context, throttle);
  }
  return throttle;
}

function resolversFor(context: EmulatorContext, options: GraphqlHandlerOptions): RootResolvers {
  if (options.resolvers) return options.resolvers;
  let resolvers = defaultResolvers.get(context);
  if (!resolvers) {
    resolvers = buildRootResolvers();
    defaultResolvers.set(context, resolvers);
  }
  return resolvers;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

interface ParsedBody {
  query: string;
  variables: Record<string, unknown> | null;
  operationName: string | null;
}

function parseBody(headers: IncomingHttpHeaders, raw: Buffer | string): ParsedBody | null {
  const text = typeof raw === "string" ? raw : raw.toString("utf8");
  const contentType = headerValue(headers, "content-type") ?? "";
  // Shopify also takes the document as the whole body with `application/graphql`.
  if (contentType.startsWith("application/graphql"))
    return text.trim() ? { query: text, variables: null, operationName: null } : null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
  const body = parsed as Record<string, unknown>;
  if (typeof body.query !== "string" || !body.query.trim()) return null;
  let variables: unknown = body.variables ?? null;
  if (typeof variables === "string") {
    try {
      variables = JSON.parse(variables);
    } catch {
      return null;
    }
  }
  if (variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return null;
  const operationName = typeof body.operationName === "string" && body.operationName ? body.operationName : null;
  return { query: body.query, variables: variables as Record<string, unknown> | null, operationName };
}

/** One `POST /admin/api/:version/graphql.json`, without the HTTP server (so tests can call it directly). */
export async function handleGraphqlRequest(
  context: EmulatorContext,
  request: GraphqlHttpRequest,
  options: GraphqlHandlerOptions = {},
): Promise<EmulatorResponse> {
  if (!SUPPORTED_API_VERSIONS.includes(request.version)) return json(404, { errors: "Not Found" });
  const versionHeader = { "x-shopify-api-version": request.version };

  const auth = authenticateAccessToken(context, headerValue(request.headers, "x-shopify-access-token"));
  if (!auth.ok) return json(auth.status, { errors: auth.message }, versionHeader);

  const body = parseBody(request.headers, request.body);
  if (!body) return json(400, MISSING_QUERY_BODY, versionHeader);

  const payload = await executeGraphql({
    schema: getAdminSchema(),
    resolvers: resolversFor(context, options),
    context: {
      emulator: context,
      shop: auth.shop,
      clientId: auth.clientId,
      scopes: auth.scopes,
      apiVersion: request.version,
    },
    throttle: throttleFor(context),
    request: body,
  });
  return json(200, payload, versionHeader);
}

export function registerGraphql(router: Router, context: EmulatorContext, options: GraphqlHandlerOptions = {}): void {
  router.add("POST", "/admin/api/:version/graphql.json", (request) =>
    handleGraphqlRequest(
      context,
      { version: request.params.version ?? "", headers: request.headers, body: request.rawBody },
      options,
    ),
  );
}
