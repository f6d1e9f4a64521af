/**
 * Tests may talk to loopback only (the local Shopify, the app, PostgreSQL, Redis). Any other address fails the
 * test at once, so a forgotten real Shopify URL cannot pass silently.
 */
const realFetch = globalThis.fetch;

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
}

globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  if (!isLoopback(url)) {
    throw new Error(`Test tried to reach ${url.origin}: only the local Shopify and loopback services are allowed`);
  }
  return realFetch(input, init);
};
