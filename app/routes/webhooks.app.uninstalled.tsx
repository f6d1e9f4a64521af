import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server.js";
import { markShopUninstalled } from "../db/shops.server.js";
import { receiveWebhook } from "../shopify/receive-webhook.server.js";

// May arrive after the session is gone (a second uninstall webhook, or a retry): deleting nothing is fine.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, "app/uninstalled", ({ shop }) => markShopUninstalled(db, shop));
