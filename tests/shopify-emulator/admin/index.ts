import { readFileSync } from "node:fs";
import type { EmulatorContext } from "../context.js";
import { html, json, type EmulatorRequest, type EmulatorResponse, type Router } from "../http.js";
import { mintSessionToken } from "../auth/session-token.js";
import type { ShopRecord } from "../store/types.js";

/**
 * A minimal Shopify admin: a frame around the embedded app with the shop name, the app's navigation menu and its
 * title bar, plus the App Bridge stand-in the framed app loads (the app points `APP_BRIDGE_URL` at it).
 */

export const APP_BRIDGE_SCRIPT = readFileSync(new URL("./app-bridge-script.js", import.meta.url), "utf8");

/** Query parameters Shopify adds to the app URL itself; anything else on the admin URL is passed through. */
const SHOPIFY_FRAME_PARAMS = ["embedded", "shop", "host", "id_token", "locale", "hmac", "session", "timestamp"];

/**
 * The `host` parameter: base64 of `admin.shopify.com/store/<handle>`, without padding. Standard alphabet, since
 * shopify-api's sanitizeHost accepts only `[0-9a-zA-Z+/]+={0,2}`.
 */
export function hostParam(shopHandle: string): string {
  return Buffer.from(`admin.shopify.com/store/${shopHandle}`, "utf8").toString("base64").replace(/=+$/, "");
}

export function shopHandleOf(shop: ShopRecord): string {
  return shop.domain.replace(/\.myshopify\.com$/, "");
}

export function adminAppPath(ctx: EmulatorContext, shop: ShopRecord): string {
  return `/store/${encodeURIComponent(shopHandleOf(shop))}/apps/${encodeURIComponent(ctx.config.app.handle)}`;
}

/** The URL the admin frames: `${appUrl}/<sub-path>` with Shopify's embedded parameters and a fresh session token. */
export function appFrameUrl(
  ctx: EmulatorContext,
  shop: ShopRecord,
  subPath: string,
  extraParams: URLSearchParams = new URLSearchParams(),
): string {
  const url = new URL(ctx.config.app.appUrl);
  const base = url.pathname.replace(/\/$/, "");
  url.pathname = `${base}/${subPath.replace(/^\//, "")}`;
  const params = new URLSearchParams();
  for (const [key, value] of extraParams) if (!SHOPIFY_FRAME_PARAMS.includes(key)) params.append(key, value);
  params.set("embedded", "1");
  params.set("shop", shop.domain);
  params.set("host", hostParam(shopHandleOf(shop)));
  params.set("id_token", mintSessionToken(ctx, { shopDomain: shop.domain }));
  params.set("locale", "en");
  url.search = params.toString();
  return url.toString();
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON safe to place inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
}

const ADMIN_STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", sans-serif; background: #f1f1f1; }
  #topbar { height: 56px; background: #1a1a1a; color: #fff; display: flex; align-items: center; padding: 0 16px; gap: 12px; }
  #topbar .shop { font-weight: 600; }
  #topbar .badge { font-size: 11px; background: #303030; border-radius: 8px; padding: 2px 8px; }
  #layout { display: flex; height: calc(100vh - 56px); }
  #sidebar { width: 240px; padding: 12px 8px; background: #ebebeb; overflow: auto; }
  #sidebar .app-name { display: block; font-weight: 600; padding: 6px 8px; color: #303030; text-decoration: none; }
  #sidebar nav a { display: block; padding: 4px 8px 4px 24px; color: #303030; text-decoration: none; border-radius: 6px; }
  #sidebar nav a.active, #sidebar nav a:hover { background: #fafafa; }
  #main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
  #titlebar { min-height: 48px; display: flex; align-items: center; justify-content: space-between; padding: 8px 16px; }
  #titlebar h1 { font-size: 20px; margin: 0; }
  #titlebar button { margin-left: 8px; }
  #titlebar button.primary { background: #303030; color: #fff; border-radius: 8px; border: 0; padding: 6px 12px; }
  #loading { height: 3px; background: transparent; }
  #loading.on { background: linear-gradient(90deg, #008060, #95bf47); }
  iframe { flex: 1; border: 0; width: 100%; background: #fff; }
  #toasts { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; }
  #toasts .toast { background: #1a1a1a; color: #fff; padding: 10px 16px; border-radius: 8px; }
  #toasts .toast.error { background: #8e1f0b; }
`;

/** The admin page's own script: renders what the framed app's App Bridge reports and serves it session tokens. */
const ADMIN_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("admin-data").textContent);
  var frame = document.getElementById("app-frame");
  var appOrigin = new URL(frame.src).origin;
  var nav = document.getElementById("app-nav");
  var title = document.getElementById("app-title");
  var actions = document.getElementById("app-actions");
  var loadingBar = document.getElementById("loading");
  var toasts = document.getElementById("toasts");
  var toastTimers = {};

  function reply(message) {
    message.source = "shopify-emulator-admin";
    frame.contentWindow.postMessage(message, appOrigin);
  }

  function renderNav(menu, path) {
    nav.textContent = "";
    if (!menu) return;
    menu.items.forEach(function (item) {
      var link = document.createElement("a");
      link.textContent = item.label;
      link.href = data.adminPath + "/" + item.href.replace(/^\\//, "");
      if (path && path.split("?")[0] === item.href) link.className = "active";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        reply({ action: "navigate", payload: { href: item.href } });
      });
      nav.appendChild(link);
    });
  }

  function renderTitleBar(bar) {
    title.textContent = bar ? bar.title : "";
    document.title = (bar && bar.title ? bar.title + " · " : "") + data.appName + " · " + data.shopName;
    actions.textContent = "";
    (bar ? bar.buttons : []).forEach(function (button) {
      var element = document.createElement("button");
      element.textContent = button.label;
      element.disabled = button.disabled;
      if (button.primary) element.className = "primary";
      element.addEventListener("click", function () {
        reply({ action: "titleBarAction", payload: { index: button.index } });
      });
      actions.appendChild(element);
    });
  }

  function showToast(toast) {
    var element = document.createElement("div");
    element.className = "toast" + (toast.isError ? " error" : "");
    element.dataset.toastId = toast.id;
    element.textContent = toast.message;
    if (toast.action) {
      var action = document.createElement("button");
      action.textContent = toast.action;
      action.addEventListener("click", function () {
        reply({ action: "toastAction", payload: { id: toast.id } });
      });
      element.appendChild(action);
    }
    toasts.appendChild(element);
    toastTimers[toast.id] = setTimeout(function () { hideToast(toast.id); }, toast.duration);
  }

  function hideToast(id) {
    clearTimeout(toastTimers[id]);
    var element = toasts.querySelector('[data-toast-id="' + id + '"]');
    if (element) {
      element.remove();
      reply({ action: "toastDismiss", payload: { id: id } });
    }
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) return;
    var message = event.data;
    if (!message || message.source !== "shopify-emulator-app-bridge") return;
    var payload = message.payload || {};
    switch (message.action) {
      case "idToken":
        fetch("/admin/api/session-token?shop=" + encodeURIComponent(data.shopDomain))
          .then(function (response) { return response.json(); })
          .then(function (body) { reply({ action: "response", id: message.id, payload: { idToken: body.idToken } }); })
          .catch(function (error) { reply({ action: "response", id: message.id, error: String(error) }); });
        break;
      case "state":
        renderNav(payload.navMenu, payload.path);
        renderTitleBar(payload.titleBar);
        if (payload.path) history.replaceState(null, "", data.adminPath + "/" + payload.path.replace(/^\\//, ""));
        break;
      case "toast":
        showToast(payload);
        break;
      case "toastHide":
        hideToast(payload.id);
        break;
      case "loading":
        loadingBar.className = payload.on ? "on" : "";
        break;
      case "redirect":
        window.location.assign(payload.url);
        break;
    }
  });
})();
`;

export function renderAdminPage(ctx: EmulatorContext, shop: ShopRecord, frameUrl: string): string {
  const app = ctx.config.app;
  const data = {
    shopDomain: shop.domain,
    shopName: shop.name,
    appName: app.name,
    adminPath: adminAppPath(ctx, shop),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(app.name)} · ${escapeHtml(shop.name)}</title>
<style>${ADMIN_STYLE}</style>
</head>
<body>
<header id="topbar"><span class="shop">${escapeHtml(shop.name)}</span><span class="badge">local Shopify</span><span>${escapeHtml(shop.domain)}</span></header>
<div id="layout">
  <aside id="sidebar">
    <a class="app-name" href="${escapeHtml(data.adminPath)}">${escapeHtml(app.name)}</a>
    <nav id="app-nav" aria-label="${escapeHtml(app.name)}"></nav>
  </aside>
  <main id="main">
    <div id="loading"></div>
    <div id="titlebar"><h1 id="app-title"></h1><div id="app-actions"></div></div>
    <iframe id="app-frame" name="app-iframe" title="${escapeHtml(app.name)}" src="${escapeHtml(frameUrl)}"></iframe>
  </main>
</div>
<div id="toasts" role="status"></div>
<script type="application/json" id="admin-data">${scriptJson(data)}</script>
<script>${ADMIN_SCRIPT}</script>
</body>
</html>`;
}

function notFoundPage(message: string): EmulatorResponse {
  return { ...html(`<!doctype html><title>Not found</title><p>${escapeHtml(message)}</p>`), status: 404 };
}

function handleAppPage(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const handle = request.params.handle ?? "";
  const appHandle = request.params.appHandle ?? "";
  const shop = ctx.store.getShopByDomain(`${handle}.myshopify.com`);
  if (!shop) return notFoundPage(`No shop ${handle}`);
  if (appHandle !== ctx.config.app.handle) return notFoundPage(`No app ${appHandle}`);
  const prefix = adminAppPath(ctx, shop);
  const rest = request.path.startsWith(prefix) ? request.path.slice(prefix.length).replace(/^\/+/, "") : "";
  const frameUrl = appFrameUrl(ctx, shop, rest || "app", request.url.searchParams);
  return html(renderAdminPage(ctx, shop, frameUrl), { "cache-control": "no-store" });
}

export function registerAdmin(router: Router, ctx: EmulatorContext): void {
  router.add("GET", "/admin", () => {
    const shop = ctx.store.listShops()[0];
    if (!shop) return notFoundPage("The local Shopify has no shops yet");
    return { status: 302, headers: { location: adminAppPath(ctx, shop) } };
  });

  router.add("GET", "/store/:handle", (request) => {
    const shop = ctx.store.getShopByDomain(`${request.params.handle ?? ""}.myshopify.com`);
    if (!shop) return notFoundPage(`No shop ${request.params.handle ?? ""}`);
    return { status: 302, headers: { location: adminAppPath(ctx, shop) } };
  });

  // The router has no wildcard; its patterns are regular expressions, so the optional sub-path is written as one
  // (no `.`, which the router escapes).
  router.add("GET", "/store/:handle/apps/:appHandle(?:/[\\s\\S]*)?", (request) => handleAppPage(ctx, request));

  router.add("GET", "/admin/api/session-token", (request) => {
    const domain = request.url.searchParams.get("shop") ?? request.shopDomain ?? "";
    const shop = ctx.store.getShopByDomain(domain);
    const cors = { "access-control-allow-origin": "*", "cache-control": "no-store" };
    if (!shop) return json(404, { errors: "Not Found" }, cors);
    return json(200, { idToken: mintSessionToken(ctx, { shopDomain: shop.domain }) }, cors);
  });

  router.add("GET", "/app-bridge.js", () => ({
    status: 200,
    headers: {
      "content-type": "application/javascript; charset=utf-8",
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
      "cache-control": "no-cache",
    },
    body: APP_BRIDGE_SCRIPT,
  }));
}
