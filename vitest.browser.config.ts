import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

/** Browser tests: headless Debian Chromium driven by playwright-core against the built app and the local Shopify. */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/browser/**/*.test.ts"],
    setupFiles: ["tests/setup/no-network.ts"],
    globalSetup: ["tests/setup/build-app.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
