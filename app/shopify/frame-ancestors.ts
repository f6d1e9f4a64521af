/**
 * The local admin page frames the app from the emulator's origin, which Shopify's CSP (`frame-ancestors
 * https://<shop> https://admin.shopify.com`) would block. Against the local Shopify only, that origin is added.
 */
export function allowEmulatorFrameAncestor(headers: Headers, emulatorUrl: string): void {
  const origin = new URL(emulatorUrl).origin;
  const csp = headers.get("Content-Security-Policy");
  if (!csp) return;
  headers.set(
    "Content-Security-Policy",
    csp.replace(/frame-ancestors ([^;]*)/, (_match, sources: string) =>
      sources.split(/\s+/).includes(origin) ? `frame-ancestors ${sources}` : `frame-ancestors ${sources} ${origin}`,
    ),
  );
}
