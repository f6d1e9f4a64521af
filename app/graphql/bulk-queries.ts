/**
 * The bulk export queries (the text given to `bulkOperationRunQuery`, not sent as requests themselves). Bulk
 * queries take no variables, so the search filter is spliced into the empty `query: ""` argument at run time by
 * `withSearch`. Bulk limits: at most five connections, nested at most two deep — which is why product collections
 * come from their own export (orders → lineItems → product → collections would be three deep).
 */
import { withFragmentsInlined } from "./inline-fragments.js";
import { LINE_ITEM_FIELDS_FRAGMENT, ORDER_FIELDS_FRAGMENT } from "./order-fields.js";

const ORDERS_EXPORT_OPERATION = `#graphql
  query CohortOrdersExport {
    orders(query: "") {
      edges {
        node {
          __typename
          # a nested connection's parent selects its id itself (a bulk query rule), not only through a fragment
          id
          ...CohortOrderFields
          lineItems {
            edges {
              node {
                __typename
                ...CohortLineItemFields
              }
            }
          }
        }
      }
    }
  }
`;

/** Orders with their line items (the fields in `order-fields.ts`), the fragments spliced in. */
export const ORDERS_BULK_QUERY = withFragmentsInlined(
  ORDERS_EXPORT_OPERATION + ORDER_FIELDS_FRAGMENT + LINE_ITEM_FIELDS_FRAGMENT,
);

export const CUSTOMERS_BULK_QUERY = `#graphql
  query CohortCustomersExport {
    customers(query: "") {
      edges {
        node {
          __typename
          id
          createdAt
          updatedAt
          state
          tags
          emailMarketingConsent {
            marketingState
          }
          smsMarketingConsent {
            marketingState
          }
          defaultAddress {
            countryCodeV2
            provinceCode
            city
          }
        }
      }
    }
  }
`;

export const PRODUCT_COLLECTIONS_BULK_QUERY = `#graphql
  query CohortProductCollectionsExport {
    products(query: "") {
      edges {
        node {
          __typename
          id
          collections {
            edges {
              node {
                __typename
                id
              }
            }
          }
        }
      }
    }
  }
`;

/** Puts a search filter into a bulk query's `query: ""` argument (empty search: everything). */
export function withSearch(bulkQuery: string, search: string): string {
  const marker = 'query: ""';
  if (!bulkQuery.includes(marker)) throw new Error("The bulk query has no empty search argument to fill");
  return bulkQuery.replace(marker, `query: ${JSON.stringify(search)}`);
}
