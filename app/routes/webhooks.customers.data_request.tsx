import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../background/webhooks.server.js";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, "customers/data_request");
