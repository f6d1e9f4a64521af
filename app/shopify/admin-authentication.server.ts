import { withTokenExchangeRefusals, type RefusedTokenExchange } from "./token-exchange-outcomes.js";

type AuthenticateAdmin<Context> = (request: Request) => Promise<Context>;

export interface AdminAuthenticationOptions {
  /** Where the app is served (the bounce page's reload target). */
  appUrl: string;
  /** `authPathPrefix` of the app's config: its bounce page is `<prefix>/session-token`. */
  authPathPrefix: string;
  log: (line: string) => void;
}

/**
 * The loaders of one request share it: same method, URL and session token (App Bridge's bearer on fetches,
 * `id_token` on the first document load). Null when there is no token: nothing to exchange, nothing to share.
 */
function sharedAuthenticationKey(request: Request): string | null {
  const bearer = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "");
  const token = bearer?.[1] ?? new URL(request.url).searchParams.get("id_token");
  return token ? `${request.method} ${request.url} ${bearer ? "bearer" : "document"} ${token}` : null;
}

/**
 * What Shopify's library answers for an invalid session token: a fetch gets 401 and App Bridge retries it with a
 * fresh token; a document load goes to the bounce page, which reloads it with one.
 */
function invalidSessionAnswer(request: Request, options: AdminAuthenticationOptions): Response {
  if (request.headers.has("authorization")) {
    return new Response(undefined, {
      status: 401,
      statusText: "Unauthorized",
      headers: { "X-Shopify-Retry-Invalid-Session-Request": "1" },
    });
  }
  const url = new URL(request.url);
  const params = new URLSearchParams(url.search);
  params.delete("id_token");
  params.set("shopify-reload", `${options.appUrl}${url.pathname}?${params.toString()}`);
  return new Response(undefined, {
    status: 302,
    headers: { Location: `${options.authPathPrefix}/session-token?${params.toString()}` },
  });
}

function describeRefusal({ shop, status, error }: RefusedTokenExchange): string {
  const reason =
    status === 404 ? "the shop does not exist or has no Cohort installation" : (error ?? "no reason given");
  return `[cohort] token exchange for ${shop} refused by Shopify (${status}: ${reason}); answered as an invalid session`;
}

/**
 * Shopify's `authenticate.admin`, with two changes:
 * - Parallel authentications of one request share one result. A document load runs every matched route's
 *   loader at once, and each would otherwise find no session and exchange the token itself.
 * - A token exchange Shopify refuses other than as an invalid token (404 for a shop it does not know) gets the
 *   answer for an invalid session and one log line, where the library answers a bare 500 and logs nothing.
 */
export function createAdminAuthenticator<Context>(
  authenticate: AuthenticateAdmin<Context>,
  options: AdminAuthenticationOptions,
): AuthenticateAdmin<Context> {
  const inFlight = new Map<string, Promise<PromiseSettledResult<Context>>>();

  const authenticateOnce = async (request: Request): Promise<PromiseSettledResult<Context>> => {
    const { result, refused } = await withTokenExchangeRefusals(() => authenticate(request));
    const refusal = refused.at(-1);
    if (result.status === "rejected" && refusal && result.reason instanceof Response && result.reason.status >= 500) {
      options.log(describeRefusal(refusal));
      return { status: "rejected", reason: invalidSessionAnswer(request, options) };
    }
    return result;
  };

  return async (request) => {
    const key = sharedAuthenticationKey(request);
    let pending = key ? inFlight.get(key) : undefined;
    if (!pending) {
      pending = authenticateOnce(request);
      if (key) {
        inFlight.set(key, pending);
        void pending.finally(() => inFlight.delete(key));
      }
    }
    const settled = await pending;
    if (settled.status === "fulfilled") return settled.value;
    // A thrown Response reaches Remix once per loader; each gets its own copy, as a body can be read only once.
    throw settled.reason instanceof Response ? settled.reason.clone() : settled.reason;
  };
}
