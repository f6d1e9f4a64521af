/**
 * Shopify's library preloads App Bridge from its CDN (`Link: <https://cdn.shopify.com/…/app-bridge.js>`) whatever
 * APP_BRIDGE_URL says, so a page served against the local Shopify would still reach the internet. When App Bridge
 * comes from elsewhere, the preload names that script instead.
 */
export function preloadAppBridgeFrom(headers: Headers, appBridgeUrl: string): void {
  if (!headers.has("Link")) return;
  headers.set("Link", `<${appBridgeUrl}>; rel="preload"; as="script";`);
}
