import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";

interface Subscription {
  topics?: string[];
  compliance_topics?: string[];
  uri: string;
}

const toml = parse(readFileSync("shopify.app.toml", "utf8")) as unknown as {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Subscription[] };
};

const REQUIRED_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/paid",
  "orders/cancelled",
  "orders/delete",
  "refunds/create",
  "customers/create",
  "customers/update",
  "customers/delete",
  "app/uninstalled",
  "app/scopes_update",
  "bulk_operations/finish",
];
const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"];

describe("shopify.app.toml", () => {
  it("given the toml, when read, then its webhook API version is the app's one constant", () => {
    expect(toml.webhooks.api_version).toBe(SHOPIFY_API_VERSION);
  });

  it("given the toml, when read, then it asks for the scopes the foundation needs", () => {
    expect(toml.access_scopes.scopes.split(",")).toEqual(
      expect.arrayContaining(["read_customers", "write_customers", "read_orders", "read_all_orders", "read_products"]),
    );
  });

  it("given the subscriptions, when listed, then every required and compliance topic has exactly one", () => {
    const topics = toml.webhooks.subscriptions.flatMap((s) => s.topics ?? []);
    const compliance = toml.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []);
    expect([...topics].sort()).toEqual([...REQUIRED_TOPICS].sort());
    expect([...compliance].sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  });

  it.each(
    toml.webhooks.subscriptions.map(
      (s) => [[...(s.topics ?? []), ...(s.compliance_topics ?? [])].join(","), s] as const,
    ),
  )("given the %s subscription, when routed, then its own route file is named after the topic", (topic, s) => {
    expect(s.uri).toBe(`/webhooks/${topic}`);
    expect(existsSync(`app/routes/webhooks.${topic.replace("/", ".")}.tsx`)).toBe(true);
    // Production answers deliveries ahead of Remix only for the topics in the wiring's topic table.
    expect(readFileSync("app/background/webhooks.server.ts", "utf8")).toContain(`  "${topic}": `);
  });
});
