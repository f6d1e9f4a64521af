import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { customerBlock } from "../background/customer-block.server.js";
import { authenticate } from "../shopify.server.js";

/** A customer's numeric id, as in `gid://shopify/Customer/<id>`. */
const customerId = z.string().regex(/^\d{1,20}$/);

/**
 * The customer details block's data (extensions/cohort-customer-block). The block's fetch carries Shopify's ID
 * token as a bearer, which authenticate.admin checks like App Bridge's; the block runs on Shopify's extension
 * origin, so the answer carries CORS headers (`cors`) and authenticate.admin answers the preflight (OPTIONS) itself.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const id = customerId.safeParse(params.id);
  if (!id.success) return cors(Response.json({ error: "customer id must be digits" }, { status: 400 }));
  const summary = await customerBlock(session.shop, id.data);
  return cors(Response.json(summary, { headers: { "cache-control": "no-store" } }));
};
