/**
 * Tests may talk to loopback only (the local Shopify, the app, PostgreSQL, Redis). Any other address fails the
 * test at once, so a forgotten real Shopify URL cannot pass silently: in this process for every connection
 * (fetch, node:http(s), drivers; tests/setup/loopback-only.mjs), and in every process the tests spawn, which
 * inherit NODE_OPTIONS (helpers that build a child's environment from scratch add `loopbackOnlyNodeOptions()`).
 */
import "./loopback-only.mjs";
import { loopbackOnlyNodeOptions } from "./loopback-only-options.js";

process.env.NODE_OPTIONS = loopbackOnlyNodeOptions(process.env.NODE_OPTIONS);

const realFetch = globalThis.fetch;

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
}

// fetch is refused before it starts, with the test's own stack in the error.
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  if (!isLoopback(url)) {
    throw new Error(`Test tried to reach ${url.origin}: only the local Shopify and loopback services are allowed`);
  }
  return realFetch(input, init);
};
