// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";

/**
 * Module boundaries (DEVELOPERS.md): app/domain is pure TypeScript; services are framework-free; only adapters
 * (*.server.ts, app/shopify, app/db) touch Shopify, Remix, Prisma or I/O; the app never imports the local Shopify.
 */
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
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/tests/**", "../tests/*"], message: "the app never imports test code or the local Shopify" },
          ],
        },
      ],
    },
  },
  {
    files: ["app/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...frameworkImports,
            {
              group: ["../services/*", "../db/*", "../shopify/*", "../routes/*"],
              message: "the domain depends on nothing outside app/domain",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/services/**"],
    ignores: ["app/services/**/*.server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [...frameworkImports, { group: ["../routes/*"], message: "services never import routes" }] },
      ],
    },
  },
  {
    files: ["app/routes/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@prisma/*", "**/generated/**", "pg", "better-sqlite3"],
              message: "routes stay thin: call a service or an adapter, not the database driver",
            },
          ],
        },
      ],
    },
  },
);
