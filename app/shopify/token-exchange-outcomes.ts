import { AsyncLocalStorage } from "node:async_hooks";

/** A token exchange Shopify refused, seen on the wire (Shopify's library turns it into a bare 500 and says nothing). */
export interface RefusedTokenExchange {
  shop: string;
  status: number;
  /** The OAuth `error` code or Shopify's `errors` text, when the body had one. */
  error: string | null;
}

const refusals = new AsyncLocalStorage<RefusedTokenExchange[]>();

const TOKEN_PATH = /^\/admin\/oauth\/access_token(\.json)?$/;

async function errorOf(response: Response): Promise<string | null> {
  try {
    const body = (await response.clone().json()) as { error?: unknown; errors?: unknown };
    const error = body.error ?? body.errors;
    return typeof error === "string" ? error : null;
  } catch {
    return null;
  }
}

/** Wraps the fetch Shopify's library uses, so a refused token exchange is noted for the authentication that made it. */
export function observeTokenExchanges(baseFetch: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    const seen = refusals.getStore();
    if (!seen || response.ok) return response;
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (TOKEN_PATH.test(url.pathname)) {
      seen.push({ shop: url.hostname, status: response.status, error: await errorOf(response) });
    }
    return response;
  };
}

/** Runs `work` and hands back, with its outcome, the token exchanges Shopify refused while it ran. */
export async function withTokenExchangeRefusals<T>(
  work: () => Promise<T>,
): Promise<{ result: PromiseSettledResult<T>; refused: RefusedTokenExchange[] }> {
  const refused: RefusedTokenExchange[] = [];
  const result = await refusals.run(refused, async (): Promise<PromiseSettledResult<T>> => {
    try {
      return { status: "fulfilled", value: await work() };
    } catch (reason) {
      return { status: "rejected", reason };
    }
  });
  return { result, refused };
}
