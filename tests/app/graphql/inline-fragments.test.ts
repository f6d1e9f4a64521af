import { describe, expect, it } from "vitest";
import { ORDERS_BULK_QUERY } from "../../../app/graphql/bulk-queries.js";
import { withFragmentsInlined } from "../../../app/graphql/inline-fragments.js";

describe("bulk queries without named fragments", () => {
  it("given a document whose selections spread named fragments, when inlined, then their fields replace the spreads once each", () => {
    const document = `
      query Q { orders { edges { node { id ...A items { edges { node { ...B } } } } } } }
      fragment A on Order { id name ...C }
      fragment B on LineItem { id title }
      fragment C on Order { note }
    `;

    const inlined = withFragmentsInlined(document);

    expect(inlined).not.toMatch(/fragment|\.\.\./);
    expect(inlined.replace(/\s+/g, " ")).toBe(
      "query Q { orders { edges { node { id name note items { edges { node { id title } } } } } } }",
    );
  });

  it("given an unknown or self-spreading fragment, when inlined, then it is refused", () => {
    expect(() => withFragmentsInlined("query Q { shop { ...Missing } }")).toThrow(/Unknown fragment Missing/);
    expect(() => withFragmentsInlined("query Q { shop { ...A } } fragment A on Shop { ...A }")).toThrow(
      /spreads itself/,
    );
  });

  it("given the orders export, when sent to Shopify, then it carries no named fragment", () => {
    expect(ORDERS_BULK_QUERY).not.toMatch(/fragment|\.\.\./);
    expect(ORDERS_BULK_QUERY).toContain("lineItems");
  });
});
