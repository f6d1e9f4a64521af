// @ts-check
/**
 * The production server (`npm start`): what `remix-serve` does (express, compression, static assets, an access
 * log, the Remix request handler), except that webhook deliveries are answered first, straight off Node's HTTP
 * server, by the build's `handleWebhookRequest` (app/shopify/webhook-listener.server.ts). PORT (default 3000) and
 * HOST as for remix-serve. Usage: `node server.js [build/server/index.js]`.
 */
import { createServer } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import { installGlobals } from "@remix-run/node";
import compression from "compression";
import express from "express";
import morgan from "morgan";

process.env.NODE_ENV = process.env.NODE_ENV ?? "production";
process.setSourceMapsEnabled(true);

const build = await import(pathToFileURL(resolve(process.argv[2] ?? "build/server/index.js")).href);
installGlobals({ nativeFetch: build.future.v3_singleFetch });

const app = express();
app.disable("x-powered-by");
app.use(compression());
app.use(build.publicPath, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(morgan("tiny"));
app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));

/** @type {(request: import("node:http").IncomingMessage, response: import("node:http").ServerResponse) => boolean} */
const handleWebhookRequest =
  typeof build.entry.module.handleWebhookRequest === "function" ? build.entry.module.handleWebhookRequest : () => false;
const server = createServer((request, response) => {
  if (!handleWebhookRequest(request, response)) app(request, response);
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST;
const onListen = () => console.log(`[cohort] http://${host ?? "localhost"}:${port}`);
// Node's default queue of 511 connections not yet accepted overflows when a burst of webhook deliveries opens
// more at once; a dropped connection is retried by the sender's TCP a second later, which was every slow delivery
// of a 1,000-delivery burst. The kernel caps the queue at net.core.somaxconn.
const LISTEN_BACKLOG = 4096;
server.listen({ port, host, backlog: LISTEN_BACKLOG }, onListen);
for (const signal of ["SIGTERM", "SIGINT"])
  process.once(signal, () => server.close((error) => error && console.error(error)));
