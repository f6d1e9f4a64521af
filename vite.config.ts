import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type UserConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const port = Number(process.env.PORT || 3000);

export default defineConfig({
  server: {
    host: "127.0.0.1",
    port,
    strictPort: true,
    hmr: { protocol: "ws", host: "127.0.0.1", port: port + 1, clientPort: port + 1 },
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.ts"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        // Off on purpose (decision 0017): a fetcher still discovering its route when a submission revalidates gets
        // "No route matches" and the page's error boundary (remix-run/remix#10263, open).
        v3_lazyRouteDiscovery: false,
        v3_singleFetch: true,
        v3_routeConfig: true,
      },
    }),
    tsconfigPaths(),
  ],
  // ES2022 for top-level await: the server applies migrations before its first request.
  build: { assetsInlineLimit: 0, target: "es2022" },
  // Listed up front so the first `npm run dev` does not re-optimise and reload the framed app mid-authentication.
  optimizeDeps: {
    include: [
      "@shopify/app-bridge-react",
      "@shopify/polaris",
      "@shopify/shopify-app-remix/react",
      "@shopify/shopify-app-remix/server",
      "@shopify/shopify-app-remix/adapters/node",
      "@shopify/shopify-api/runtime",
      "@shopify/shopify-app-session-storage-prisma",
      "@prisma/adapter-better-sqlite3",
      "@prisma/adapter-pg",
      "zod",
    ],
    // Native, server-only drivers: never optimised for the browser.
    exclude: ["better-sqlite3", "pg"],
  },
}) satisfies UserConfig;
