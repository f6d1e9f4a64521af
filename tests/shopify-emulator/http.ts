import type { IncomingMessage, ServerResponse } from "node:http";

export interface EmulatorRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: URL;
  headers: IncomingMessage["headers"];
  params: Record<string, string>;
  rawBody: Buffer;
  /** The shop the request is for: from the routing header, the Host header, or a path or query parameter. */
  shopDomain: string | null;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | NodeJS.ReadableStream;
}

export type Handler = (request: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

/** Per-route limits on the request body (the default is `readBody`'s 50 MB, answered 500 beyond it). */
export interface RouteOptions {
  bodyLimitBytes?: number;
  /** The answer when the body is over `bodyLimitBytes` (the rest of the body is read and dropped). */
  onBodyTooLarge?: () => EmulatorResponse;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  options: RouteOptions;
}

/** A deliberately tiny router: the emulator has a dozen routes and no middleware. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler, options: RouteOptions = {}): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.]/g, "\\.").replace(/:([A-Za-z_]+)/g, (_m, key: string) => {
        keys.push(key);
        return "([^/]+)";
      })}/?$`,
    );
    this.routes.push({ method, pattern, keys, handler, options });
  }

  match(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string>; options: RouteOptions } | null {
    for (const route of this.routes) {
      if (route.method !== method && route.method !== "*") continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((key, index) => (params[key] = decodeURIComponent(match[index + 1]!)));
      return { handler: route.handler, params, options: route.options };
    }
    return null;
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(body),
  };
}

export function html(body: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8", ...headers }, body };
}

export function parseJsonBody<T = unknown>(request: EmulatorRequest): T | undefined {
  if (request.rawBody.length === 0) return undefined;
  try {
    return JSON.parse(request.rawBody.toString("utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The header the app's routing hook adds so the emulator knows which `<shop>.myshopify.com` was meant. */
export const SHOP_ROUTING_HEADER = "x-shopify-emulator-shop";

export function shopDomainOf(request: IncomingMessage, url: URL): string | null {
  const routed = request.headers[SHOP_ROUTING_HEADER];
  if (typeof routed === "string" && routed) return routed;
  const host = (request.headers.host ?? "").split(":")[0] ?? "";
  if (host.endsWith(".myshopify.com")) return host;
  const fromQuery = url.searchParams.get("shop");
  return fromQuery || null;
}

export async function readBody(request: IncomingMessage, limitBytes = 50 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body, or null when it is over `limitBytes` (then read to its end and dropped, so the answer can be sent). */
export async function readBodyWithin(request: IncomingMessage, limitBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limitBytes) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size > limitBytes ? null : Buffer.concat(chunks);
}

export function send(response: ServerResponse, result: EmulatorResponse): void {
  response.writeHead(result.status, result.headers ?? {});
  const body = result.body;
  if (body === undefined) {
    response.end();
  } else if (typeof body === "string" || Buffer.isBuffer(body)) {
    response.end(body);
  } else {
    body.pipe(response);
  }
}
