import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadDataRequest } from "../background/privacy-page.server.js";
import { authenticate } from "../shopify.server.js";

/** A customer data request's export as a JSON file (resource route: no UI). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const data = await downloadDataRequest(session.shop, params.id ?? "");
  if (!data) return new Response("No such data request", { status: 404 });
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="customer-${data.customerId}-data-request.json"`,
      "cache-control": "no-store",
    },
  });
};
