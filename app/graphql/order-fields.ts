/**
 * The order selection every source of orders shares: the bulk export (`bulk-queries.ts`) and the reads outside it
 * (`order-reads.ts`), so that `orderFromLine` / `lineItemFromLine` map each alike. Fragments, appended to the
 * documents that spread them (documents carry no `${}` interpolation; tests/app/graphql-documents.test.ts
 * validates every exported document whole against the Admin schema).
 */

/** An order's own fields, refunds included (line items are paged differently by each source). */
export const ORDER_FIELDS_FRAGMENT = `#graphql
  fragment CohortOrderFields on Order {
    id
    createdAt
    processedAt
    updatedAt
    cancelledAt
    test
    currencyCode
    presentmentCurrencyCode
    sourceName
    displayFinancialStatus
    discountCodes
    customer {
      id
    }
    shippingAddress {
      countryCodeV2
      provinceCode
      city
    }
    totalPriceSet {
      shopMoney {
        amount
      }
    }
    subtotalPriceSet {
      shopMoney {
        amount
      }
    }
    totalDiscountsSet {
      shopMoney {
        amount
      }
    }
    refunds {
      id
      createdAt
      totalRefundedSet {
        shopMoney {
          amount
        }
      }
    }
  }
`;

/** A line item's fields (the reads add the product's collections, which the backfill exports on their own). */
export const LINE_ITEM_FIELDS_FRAGMENT = `#graphql
  fragment CohortLineItemFields on LineItem {
    id
    title
    quantity
    vendor
    product {
      id
      productType
    }
    variant {
      id
    }
    discountedTotalSet {
      shopMoney {
        amount
      }
    }
  }
`;
