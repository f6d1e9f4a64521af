import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../shopify/receive-webhook.server.js";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "orders/delete");
