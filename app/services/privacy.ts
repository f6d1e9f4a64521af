import type { ComplianceTopic } from "./inbox-worker.js";
import { mapCompliancePayload } from "./webhook-mapping.js";

/**
 * Shopify's mandatory privacy topics and the app's own lifecycle:
 * - customers/redact: erase the customer and the personal data on their orders (the orders stay, detached and
 *   without geography, so shop totals keep adding up);
 * - shop/redact (48 h after uninstall): erase everything Cohort keeps about the shop, in every table;
 * - customers/data_request: assemble what Cohort stores about the customer into a DataRequest the merchant
 *   downloads in the app.
 */

export interface CustomerDataExport {
  shop: string;
  customerId: string;
  /** The order ids Shopify named in the request. */
  ordersRequested: string[];
  generatedAt: string;
  /** Cohort's stored facts, as stored (null when Cohort holds nothing about the customer). */
  customer: unknown;
  metrics: unknown;
  orders: unknown[];
  /** Webhook bodies still kept in the inbox that concern the customer. */
  webhookEvents: Array<{ topic: string; receivedAt: string; payload: unknown }>;
}

export interface DataRequestSummary {
  id: string;
  customerId: string;
  requestedAt: string;
  downloadedAt: string | null;
}

export interface PrivacyRepository {
  /** Deletes the customer's facts and metrics, detaches and strips their orders, and purges inbox bodies. */
  eraseCustomer(shop: string, customerId: string, orderIds: string[]): Promise<void>;
  /** Deletes every row of the shop in every Cohort table. */
  eraseShop(shop: string): Promise<void>;
  collectCustomerData(
    shop: string,
    customerId: string,
    orderIds: string[],
  ): Promise<Omit<CustomerDataExport, "generatedAt">>;
  saveDataRequest(shop: string, customerId: string, data: CustomerDataExport): Promise<string>;
  listDataRequests(shop: string): Promise<DataRequestSummary[]>;
  /** The stored export, or null when the id is not one of this shop's; marks it downloaded. */
  downloadDataRequest(shop: string, id: string): Promise<CustomerDataExport | null>;
}

export async function handleComplianceEvent(
  repository: PrivacyRepository,
  shop: string,
  topic: ComplianceTopic,
  payload: unknown,
  now: () => Date = () => new Date(),
): Promise<void> {
  switch (topic) {
    case "shop/redact":
      await repository.eraseShop(shop);
      return;
    case "customers/redact": {
      const { customerId, orderIds } = mapCompliancePayload(payload);
      if (customerId === null && orderIds.length === 0) return;
      await repository.eraseCustomer(shop, customerId ?? "", orderIds);
      return;
    }
    case "customers/data_request": {
      const { customerId, orderIds } = mapCompliancePayload(payload);
      if (customerId === null) return;
      const data = await repository.collectCustomerData(shop, customerId, orderIds);
      await repository.saveDataRequest(shop, customerId, { ...data, generatedAt: now().toISOString() });
      return;
    }
  }
}
