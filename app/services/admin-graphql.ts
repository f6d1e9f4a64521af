/**
 * The one thing services need from Shopify: run an Admin GraphQL document and get its data, or an error that says
 * what Shopify answered. Adapters (Remix's admin context, the background client) implement it.
 */
export type AdminGraphql = <TData>(query: string, variables?: Record<string, unknown>) => Promise<TData>;

export class ShopifyGraphqlError extends Error {
  constructor(
    message: string,
    readonly errors: unknown,
  ) {
    super(message);
    this.name = "ShopifyGraphqlError";
  }
}
