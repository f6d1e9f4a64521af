/** The order export the brief measures (orders, totals, refunds, discount codes, address, line items and products). */
export const BENCH_QUERY = `{
  orders {
    edges { node {
      id name createdAt processedAt displayFinancialStatus discountCodes
      totalPriceSet { shopMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } }
      totalRefundedSet { shopMoney { amount } }
      shippingAddress { countryCodeV2 provinceCode city zip }
      refunds { id createdAt totalRefundedSet { shopMoney { amount } } }
      lineItems { edges { node {
        id quantity sku
        originalUnitPriceSet { shopMoney { amount } }
        discountedTotalSet { shopMoney { amount } }
        product { id vendor productType }
      } } }
    } }
  }
}`;
