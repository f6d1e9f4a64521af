import { ShopifyGraphqlError, type AdminGraphql } from "../services/shop/ports.js";
import type { authenticate } from "../shopify.server.js";

export type RemixAdmin = Awaited<ReturnType<typeof authenticate.admin>>["admin"];

/** Adapts the admin context of an authenticated request to the services' `AdminGraphql`. */
export function adminGraphql(admin: RemixAdmin): AdminGraphql {
  return async <TData>(query: string, variables?: Record<string, unknown>) => {
    const response = await admin.graphql(query, variables ? { variables } : undefined);
    const body = (await response.json()) as { data?: TData; errors?: unknown };
    if (body.errors || body.data === undefined) {
      throw new ShopifyGraphqlError(`Shopify answered with errors: ${JSON.stringify(body.errors)}`, body.errors);
    }
    return body.data;
  };
}
