import type { ComplianceTopic } from "../sync/ports.js";
import { mapCompliancePayload } from "../sync/webhook-mapping.js";
import type { PrivacyRepository } from "./ports.js";

/**
 * Shopify's mandatory privacy topics and the app's own lifecycle:
 * - customers/redact: erase the customer and the personal data on their orders (the orders stay, detached and
 *   without geography, so shop totals keep adding up);
 * - shop/redact (48 h after uninstall): erase everything Cohort keeps about the shop, in every table, unless the
 *   shop was installed again since (a validly signed shop/redact never erases a shop in use);
 * - customers/data_request: assemble what Cohort stores about the customer into a DataRequest the merchant
 *   downloads in the app.
 */

export async function handleComplianceEvent(
  repository: PrivacyRepository,
  shop: string,
  topic: ComplianceTopic,
  payload: unknown,
  now: () => Date = () => new Date(),
): Promise<void> {
  switch (topic) {
    case "shop/redact":
      await repository.redactShop(shop);
      return;
    case "customers/redact": {
      const { customerId, orderIds } = mapCompliancePayload(payload);
      if (customerId === null && orderIds.length === 0) return;
      await repository.eraseCustomer(shop, customerId ?? "", orderIds);
      return;
    }
    case "customers/data_request": {
      const { customerId, orderIds, requestId } = mapCompliancePayload(payload);
      if (customerId === null) return;
      const data = await repository.collectCustomerData(shop, customerId, orderIds);
      await repository.saveDataRequest(shop, customerId, { ...data, generatedAt: now().toISOString() }, requestId);
      return;
    }
  }
}
