/**
 * The Admin GraphQL reads of orders outside the bulk export (the inbox worker's re-reads and reconciliation). They
 * select exactly what the bulk export selects (the fragments of `order-fields.ts`), plus each line's product
 * collections (the backfill reads those from its own export), so `orderFromLine` / `lineItemFromLine` map every
 * source alike.
 */
import { LINE_ITEM_FIELDS_FRAGMENT, ORDER_FIELDS_FRAGMENT } from "./order-fields.js";

/** How many line items one request reads per order; an order with more is paged with ORDER_LINE_ITEMS_QUERY. */
export const LINE_ITEMS_PER_PAGE = 250;
/** How many collections of a line's product are read (the backfill's product-collections export reads all). */
export const COLLECTIONS_PER_PRODUCT = 50;

/** A line item as the reads select it: the shared fields and its product's collections. */
const LINE_ITEM_READ_FRAGMENT = `#graphql
  fragment CohortLineItemReadFields on LineItem {
    ...CohortLineItemFields
    product {
      collections(first: 50) {
        nodes {
          id
        }
      }
    }
  }
`;

const ORDERS_BY_ID_OPERATION = `#graphql
  query CohortOrdersById($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Order {
        ...CohortOrderFields
        lineItems(first: 250) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            ...CohortLineItemReadFields
          }
        }
      }
    }
  }
`;

/** Orders by id (`gid://shopify/Order/…`); a deleted or unknown order answers null in its place. */
export const ORDERS_BY_ID_QUERY =
  ORDERS_BY_ID_OPERATION + ORDER_FIELDS_FRAGMENT + LINE_ITEM_READ_FRAGMENT + LINE_ITEM_FIELDS_FRAGMENT;

const ORDER_LINE_ITEMS_OPERATION = `#graphql
  query CohortOrderLineItems($id: ID!, $after: String) {
    order(id: $id) {
      lineItems(first: 250, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...CohortLineItemReadFields
        }
      }
    }
  }
`;

/** The line items of one order after `after` (orders with more than LINE_ITEMS_PER_PAGE lines). */
export const ORDER_LINE_ITEMS_QUERY = ORDER_LINE_ITEMS_OPERATION + LINE_ITEM_READ_FRAGMENT + LINE_ITEM_FIELDS_FRAGMENT;

/** How many order ids one reconciliation page lists (then read with ORDERS_BY_ID_QUERY). */
export const ORDER_IDS_PER_PAGE = 50;

/** Ids of orders matching a search, oldest update first. */
export const ORDER_IDS_UPDATED_SINCE_QUERY = `#graphql
  query CohortOrderIdsSince($query: String, $after: String) {
    orders(first: 50, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
