import type { EmulatorContext } from "../context.js";
import { json, type EmulatorRequest, type EmulatorResponse, type Router } from "../http.js";
import { shopOwner, verifySessionToken } from "./session-token.js";
import {
  authenticateAccessToken,
  installApp,
  isInstalled,
  issueOfflineToken,
  issueOnlineToken,
  refreshAccessToken,
  revokeAccessToken,
  type IssuedTokens,
} from "./tokens.js";

export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
export const ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token";
export const OFFLINE_ACCESS_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:offline-access-token";
export const ONLINE_ACCESS_TOKEN_TYPE = "urn:shopify:params:oauth:token-type:online-access-token";

/** Token-endpoint error bodies are OAuth-style `{error, error_description}`. */
function oauthError(status: number, error: string, description: string): EmulatorResponse {
  return json(status, { error, error_description: description });
}

/** Shopify's token endpoint takes JSON or form-encoded bodies (and, historically, query parameters). */
export function readTokenRequestParams(request: EmulatorRequest): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of request.url.searchParams) params[key] = value;
  const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
  const text = request.rawBody.toString("utf8");
  if (!text) return params;
  if (contentType.includes("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
    return params;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string") params[key] = value;
        else if (typeof value === "number" || typeof value === "boolean") params[key] = String(value);
      }
    }
  } catch {
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  }
  return params;
}

function offlineBody(tokens: IssuedTokens): Record<string, unknown> {
  const body: Record<string, unknown> = { access_token: tokens.accessToken, scope: tokens.scopes.join(",") };
  if (tokens.expiresIn !== undefined) body.expires_in = tokens.expiresIn;
  if (tokens.refreshToken !== undefined) {
    body.refresh_token = tokens.refreshToken;
    body.refresh_token_expires_in = tokens.refreshTokenExpiresIn;
  }
  return body;
}

function isExpiring(value: string | undefined): boolean {
  return value === "1" || value === "true";
}

export function handleAccessTokenRequest(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const shopDomain = request.shopDomain;
  const shop = shopDomain ? ctx.store.getShopByDomain(shopDomain) : null;
  if (!shop) return json(404, { errors: "Not Found" });

  const params = readTokenRequestParams(request);
  const app = ctx.config.app;
  // Unconfirmed: Shopify's exact answer to bad client credentials; this is the standard OAuth one.
  if (params.client_id !== app.apiKey || params.client_secret !== app.apiSecret) {
    return oauthError(
      401,
      "invalid_client",
      "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
    );
  }

  const grantType = params.grant_type;
  if (grantType === TOKEN_EXCHANGE_GRANT_TYPE) {
    const requested = params.requested_token_type;
    if (requested !== OFFLINE_ACCESS_TOKEN_TYPE && requested !== ONLINE_ACCESS_TOKEN_TYPE) {
      return oauthError(400, "invalid_request", "requested_token_type is missing or not supported");
    }
    const subjectToken = params.subject_token ?? "";

    if (params.subject_token_type === OFFLINE_ACCESS_TOKEN_TYPE) {
      // Migration of a non-expiring offline token to an expiring one (shopify-api migrateToExpiringToken).
      const current = authenticateAccessToken(ctx, subjectToken);
      if (!current.ok || current.shop.id !== shop.id || requested !== OFFLINE_ACCESS_TOKEN_TYPE) {
        return oauthError(400, "invalid_subject_token", "The subject token is invalid");
      }
      revokeAccessToken(ctx, subjectToken);
      return json(200, offlineBody(issueOfflineToken(ctx, shop.id, app.apiKey, { expiring: true })));
    }
    if (params.subject_token_type !== ID_TOKEN_TYPE) {
      return oauthError(400, "invalid_request", "subject_token_type is missing or not supported");
    }

    const verified = verifySessionToken(ctx, subjectToken);
    if (!verified.ok) return oauthError(400, "invalid_subject_token", verified.message);
    if (verified.shop.id !== shop.id) {
      return oauthError(400, "invalid_subject_token", "Session token dest does not match the shop");
    }

    // Managed installation: the first token exchange on a shop installs the app with its configured scopes.
    if (!isInstalled(ctx, shop.id, app.apiKey)) installApp(ctx, shop.id, app.scopes);

    if (requested === OFFLINE_ACCESS_TOKEN_TYPE) {
      return json(
        200,
        offlineBody(issueOfflineToken(ctx, shop.id, app.apiKey, { expiring: isExpiring(params.expiring) })),
      );
    }
    const tokens = issueOnlineToken(ctx, shop.id, app.apiKey);
    const owner = shopOwner(shop);
    const user = { ...owner, id: Number(verified.claims.sub) || owner.id };
    return json(200, {
      access_token: tokens.accessToken,
      scope: tokens.scopes.join(","),
      expires_in: tokens.expiresIn,
      associated_user_scope: tokens.scopes.join(","),
      associated_user: user,
    });
  }

  if (grantType === "refresh_token") {
    const refreshed = refreshAccessToken(ctx, params.refresh_token ?? "", app.apiKey, shop.id);
    // Observed on Shopify for a spent refresh token: 401 invalid_request "This request requires an active refresh_token".
    if (!refreshed.ok) return oauthError(401, "invalid_request", refreshed.message);
    return json(200, offlineBody(refreshed.tokens));
  }

  return oauthError(400, "unsupported_grant_type", `grant_type ${grantType ?? "(missing)"} is not supported`);
}

/** One request to the token endpoint, as a test sees it: which shop, which grant, what was answered. */
export interface TokenRequestRecord {
  shopDomain: string | null;
  grantType: string | null;
  requestedTokenType: string | null;
  status: number;
}

const tokenRequestLogs = new WeakMap<EmulatorContext, TokenRequestRecord[]>();

/** Every token-endpoint request this emulator answered, oldest first. */
export function tokenRequestsOf(ctx: EmulatorContext): TokenRequestRecord[] {
  let log = tokenRequestLogs.get(ctx);
  if (!log) tokenRequestLogs.set(ctx, (log = []));
  return log;
}

function answerAndLog(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const response = handleAccessTokenRequest(ctx, request);
  const params = readTokenRequestParams(request);
  tokenRequestsOf(ctx).push({
    shopDomain: request.shopDomain ?? null,
    grantType: params.grant_type ?? null,
    requestedTokenType: params.requested_token_type ?? null,
    status: response.status,
  });
  return response;
}

export function registerOAuth(router: Router, ctx: EmulatorContext): void {
  router.add("POST", "/admin/oauth/access_token", (request) => answerAndLog(ctx, request));
  router.add("POST", "/admin/oauth/access_token.json", (request) => answerAndLog(ctx, request));
}
