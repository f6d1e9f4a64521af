import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";

/** The layer boundaries of eslint.config.js, each shown to fire on a forbidden import and to allow the right one. */
const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const use = (specifier: string, name = "x") =>
  `import { ${name} } from "${specifier}";\nexport const used = ${name};\n`;

describe("layer boundaries", () => {
  it.each([
    ["a service importing a database adapter", "app/services/sync/probe.ts", use("../../db/sync/sync-store.server.js")],
    ["a service importing the Shopify adapter", "app/services/sync/probe.ts", use("../../shopify/admin-client.ts")],
    ["a service importing the wiring", "app/services/sync/probe.ts", use("../../background/worker.js")],
    ["a service importing Prisma", "app/services/sync/probe.ts", use("@prisma/client")],
    ["a service doing I/O", "app/services/sync/probe.ts", use("node:fs")],
    ["a Shopify adapter importing the wiring", "app/shopify/probe.server.ts", use("../background/worker.server.js")],
    [
      "a database adapter importing the wiring",
      "app/db/sync/probe.server.ts",
      use("../../background/webhooks.server.js"),
    ],
    ["an adapter importing a route", "app/db/probe.server.ts", use("../routes/app.tsx")],
    ["the domain importing a service", "app/domain/sync/probe.ts", use("../../services/sync/ports.js")],
    ["the domain importing an adapter", "app/domain/sync/probe.ts", use("../../db/client.server.js")],
    [
      "the app importing the local Shopify",
      "app/background/probe.server.ts",
      use("../../tests/shopify-emulator/store/store.js"),
    ],
  ])("given %s, when linted, then no-restricted-imports refuses it", async (_case, filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toContain("no-restricted-imports");
  });

  it.each([
    [
      "the wiring importing adapters and services",
      "app/background/probe.server.ts",
      use("../db/sync/sync-store.server.js", "prismaSyncStore") + use("../services/sync/backfill.js", "runBackfill"),
    ],
    [
      "a service importing its ports and the domain",
      "app/services/sync/probe.ts",
      use("./ports.js", "isComplianceTopic") + use("../../domain/money.js", "formatMoney"),
    ],
    [
      "an adapter importing a feature's ports",
      "app/db/sync/probe.server.ts",
      use("../../services/sync/ports.js", "isComplianceTopic"),
    ],
  ])("given %s, when linted, then it is allowed", async (_case, filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).not.toContain("no-restricted-imports");
  });
});

describe("import cycles", () => {
  const folder = join("app", "lib", `lint-cycle-probe-${process.pid}`);
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("given two modules that import each other (one of them lazily), when linted, then import-x/no-cycle refuses both", async () => {
    mkdirSync(folder, { recursive: true });
    const a = join(folder, "a.ts");
    const b = join(folder, "b.ts");
    writeFileSync(a, `export const a = async () => (await import("./b.js")).b;\n`);
    writeFileSync(b, `import { a } from "./a.js";\nexport const b = () => a;\n`);
    const results = await eslint.lintFiles([a, b]);
    for (const result of results)
      expect(result.messages.map((message) => message.ruleId)).toContain("import-x/no-cycle");
  });
});
