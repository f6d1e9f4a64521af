import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["tests/**/*.test.ts", "app/**/*.test.ts"],
    exclude: ["tests/browser/**", "node_modules/**"],
    setupFiles: ["tests/setup/no-network.ts"],
    globalSetup: ["tests/setup/build-app.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
