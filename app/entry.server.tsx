import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { env } from "./env.server.js";
import { addDocumentResponseHeaders } from "./shopify.server.js";
import { preloadAppBridgeFrom } from "./shopify/app-bridge-preload.js";
import { allowEmulatorFrameAncestor } from "./shopify/frame-ancestors.js";
import "./background/web-process.server.js";

/** For `server.js`: webhook deliveries are answered before express and Remix see them. */
export { handleWebhookRequest } from "./background/webhooks.server.js";

export const streamTimeout = 5000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const emulatorUrl = env().SHOPIFY_EMULATOR_URL;
  if (emulatorUrl) allowEmulatorFrameAncestor(responseHeaders, emulatorUrl);
  const appBridgeUrl = env().APP_BRIDGE_URL;
  if (appBridgeUrl) preloadAppBridgeFrom(responseHeaders, appBridgeUrl);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}
