/**
 * What a shop/redact did: Shopify sends it 48 hours after an uninstall, and a shop installed again keeps its data.
 * "stopped: reinstalled": the shop was installed again while it was being erased; what was erased the sync brings
 * back.
 */
export type ShopRedactionOutcome = "erased" | "kept: installed" | "stopped: reinstalled";

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
  /** The segments Cohort holds them in, and every entry and exit recorded for them. */
  segments: { memberships: unknown[]; changes: unknown[] };
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
  /**
   * shop/redact: deletes every row of the shop in every Cohort table, but only while the shop is uninstalled (or
   * unknown), in one transaction with that check, so a reinstall cannot slip in between. Either way the request is
   * recorded (`ShopRedaction`) with what was done.
   */
  redactShop(shop: string): Promise<ShopRedactionOutcome>;
  collectCustomerData(
    shop: string,
    customerId: string,
    orderIds: string[],
  ): Promise<Omit<CustomerDataExport, "generatedAt">>;
  /**
   * Stores the export; a request Shopify delivers again (same `requestId`) replaces its export instead of adding
   * one. Returns the export's id.
   */
  saveDataRequest(
    shop: string,
    customerId: string,
    data: CustomerDataExport,
    requestId: string | null,
  ): Promise<string>;
  /** Retention: deletes every shop's exports generated before `before`; returns how many. */
  deleteDataRequestsBefore(before: Date): Promise<number>;
  listDataRequests(shop: string): Promise<DataRequestSummary[]>;
  /** The stored export, or null when the id is not one of this shop's; marks it downloaded. */
  downloadDataRequest(shop: string, id: string): Promise<CustomerDataExport | null>;
}

/** A privacy request (compliance webhook) that has failed and waits for its next try. */
export interface PendingPrivacyRequest {
  id: string;
  topic: string;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
  /** When the worker tries it again. */
  retryAt: string | null;
}

/**
 * The privacy requests still owed. They are retried until they succeed (the inbox never dead-letters them); only
 * the merchant may give up on one, and the reason is kept on the event.
 */
export interface PrivacyRequestQueue {
  /** The shop's compliance events that failed at least once and are not done, oldest first. */
  pending(shop: string): Promise<PendingPrivacyRequest[]>;
  /** Stops retrying the request; false when it is not one of the shop's pending requests. */
  giveUp(shop: string, eventId: string, reason: string): Promise<boolean>;
}
