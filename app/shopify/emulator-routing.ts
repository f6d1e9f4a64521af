/**
 * Sends every request meant for `https://<shop>.myshopify.com` (Admin API, OAuth token exchange, file downloads)
 * to the local Shopify instead, with the same path, query, method, body and headers. The shop's domain travels in
 * a header, since fetch may not set Host. Used only when SHOPIFY_EMULATOR_URL is set.
 */
export const EMULATOR_SHOP_HEADER = "x-shopify-emulator-shop";

export function emulatorTarget(url: URL, emulatorOrigin: string): URL | null {
  if (url.protocol !== "https:" || !url.hostname.endsWith(".myshopify.com")) return null;
  return new URL(`${url.pathname}${url.search}`, emulatorOrigin);
}

export function createEmulatorFetch(emulatorOrigin: string, baseFetch: typeof fetch): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : input.toString());
    const target = emulatorTarget(url, emulatorOrigin);
    if (!target) return baseFetch(input, init);
    const headers = new Headers(request?.headers);
    new Headers(init?.headers).forEach((value, key) => headers.set(key, value));
    headers.set(EMULATOR_SHOP_HEADER, url.hostname);
    if (request && init?.body === undefined) {
      return baseFetch(target, {
        method: request.method,
        headers,
        body: request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer(),
        redirect: request.redirect,
        signal: init?.signal ?? request.signal,
      });
    }
    return baseFetch(target, { ...init, headers });
  };
}
