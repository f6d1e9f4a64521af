import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server.js";
import { updateShopScopes } from "../db/shops.server.js";
import { receiveWebhook } from "../shopify/receive-webhook.server.js";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, "app/scopes_update", async ({ shop, payload }) => {
    const current = (payload as { current?: unknown }).current;
    if (Array.isArray(current)) await updateShopScopes(db, shop, current.map(String).join(","));
  });
