import type { CustomerProfile, CustomerProfiles } from "../../services/segments/ports.js";
import type { AdminGraphql } from "../../services/shop/ports.js";

const PROFILES = `#graphql
  query CustomerProfiles($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Customer { id displayName defaultEmailAddress { emailAddress } } }
  }`;

const SEARCH = `#graphql
  query CustomerSearch($query: String!, $first: Int!) {
    customers(first: $first, query: $query) { nodes { id } }
  }`;

/** Shopify's `nodes` takes at most 250 ids a request. */
const NODES_LIMIT = 250;

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/** Shopify's search syntax treats these as operators; a merchant's text is searched as words. */
function searchTerms(text: string): string {
  return text
    .replace(/["\\():]/g, " ")
    .split(/\s+/)
    .filter((word) => word.length > 0 && !/^(AND|OR|NOT)$/.test(word))
    .map((word) => `"${word}"`)
    .join(" ");
}

export function shopifyCustomerProfiles(graphql: AdminGraphql): CustomerProfiles {
  return {
    async profiles(customerIds) {
      const found = new Map<string, CustomerProfile>();
      for (let start = 0; start < customerIds.length; start += NODES_LIMIT) {
        const ids = customerIds.slice(start, start + NODES_LIMIT).map((id) => `gid://shopify/Customer/${id}`);
        const data = await graphql<{
          nodes: Array<{
            id?: string;
            displayName?: string;
            defaultEmailAddress?: { emailAddress: string } | null;
          } | null>;
        }>(PROFILES, { ids });
        for (const node of data.nodes) {
          if (!node?.id) continue;
          const customerId = numericId(node.id);
          found.set(customerId, {
            customerId,
            name: node.displayName ?? null,
            email: node.defaultEmailAddress?.emailAddress ?? null,
          });
        }
      }
      return found;
    },

    async search(text, limit) {
      const query = searchTerms(text);
      if (query === "") return [];
      const data = await graphql<{ customers: { nodes: Array<{ id: string }> } }>(SEARCH, {
        query,
        first: Math.min(limit, NODES_LIMIT),
      });
      return data.customers.nodes.map((node) => numericId(node.id));
    },
  };
}
