// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/**
 * Module boundaries (README, Layout). Data flows one way: routes and app/background (the only wiring) →
 * app/services (framework-free, one folder per feature, talking to adapters through its ports.ts) → app/domain
 * (pure). app/db and app/shopify are the adapters: they implement ports and never import the wiring, the routes or
 * the local Shopify. No import cycles anywhere in app/. tests/app/lint-boundaries.test.ts proves each rule fires.
 */
const testCode = { group: ["**/tests/**", "../tests/*"], message: "the app never imports test code or the local Shopify" };
const wiring = {
  group: ["**/background/**", "**/routes/**"],
  message: "adapters and services never import the wiring (app/background) or routes: take what you need as a parameter",
};
const adapters = {
  group: ["**/db/**", "**/shopify/**", "**/db.server*", "**/shopify.server*", "**/env.server*"],
  message: "services depend on their feature's ports.ts, not on adapters (app/db, app/shopify): app/background wires them",
};
const frameworkImports = [
  {
    group: ["@remix-run/*", "@shopify/*", "@prisma/*", "**/generated/**", "react", "react-dom"],
    message: "services and the domain stay framework-free: put this in an adapter (*.server.ts)",
  },
  {
    group: ["**/*.server", "**/*.server.js", "**/*.server.ts"],
    message: "services and the domain depend on interfaces, not on .server adapters",
  },
  {
    group: ["node:*", "fs", "path", "http", "https", "pg", "better-sqlite3", "graphql-request"],
    message: "no I/O here: take an adapter through an interface",
  },
];
const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "node_modules/**",
      "app/generated/**",
      "app/types/**",
      "test-results/**",
      "public/build/**",
      ".cache/**",
      "data/**",
      "reports/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        fetch: "readonly",
        Request: "readonly",
        Response: "readonly",
        Headers: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        window: "readonly",
        document: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        crypto: "readonly",
        structuredClone: "readonly",
        queueMicrotask: "readonly",
        performance: "readonly",
        atob: "readonly",
        btoa: "readonly",
        navigator: "readonly",
        location: "readonly",
        MessageEvent: "readonly",
        localStorage: "readonly",
        sessionStorage: "readonly",
        HTMLElement: "readonly",
        customElements: "readonly",
        globalThis: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    files: ["app/**/*.tsx"],
    plugins: { react, "react-hooks": reactHooks },
    settings: { react: { version: "detect" } },
    rules: {
      ...react.configs.recommended.rules,
      ...react.configs["jsx-runtime"].rules,
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    files: ["app/**"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      ...restrict(testCode),
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-duplicates": ["error", { "prefer-inline": true }],
    },
  },
  {
    files: ["app/domain/**"],
    rules: restrict(testCode, ...frameworkImports, {
      group: ["**/services/**", "**/db/**", "**/shopify/**", "**/routes/**", "**/background/**", "**/graphql/**"],
      message: "the domain depends on nothing outside app/domain",
    }),
  },
  {
    files: ["app/services/**"],
    rules: restrict(testCode, ...frameworkImports, wiring, adapters),
  },
  {
    files: ["app/db/**", "app/shopify/**", "app/db.server.ts", "app/shopify.server.ts", "app/env.server.ts"],
    rules: restrict(testCode, wiring),
  },
  {
    files: ["app/routes/**"],
    rules: restrict(testCode, {
      group: ["@prisma/*", "**/generated/**", "pg", "better-sqlite3"],
      message: "routes stay thin: call a service or an adapter, not the database driver",
    }),
  },
);
