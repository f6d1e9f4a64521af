import type { DataRequestSummary, PendingPrivacyRequest, PrivacyRepository, PrivacyRequestQueue } from "./ports.js";

export interface PrivacyPageDeps {
  privacy: Pick<PrivacyRepository, "listDataRequests">;
  requests: PrivacyRequestQueue;
}

export interface PrivacyPage {
  dataRequests: DataRequestSummary[];
  /** Privacy requests that failed and are being retried: the merchant must see them. */
  pending: PendingPrivacyRequest[];
}

export async function loadPrivacyPage(deps: PrivacyPageDeps, shop: string): Promise<PrivacyPage> {
  const [dataRequests, pending] = await Promise.all([deps.privacy.listDataRequests(shop), deps.requests.pending(shop)]);
  return { dataRequests, pending };
}

/**
 * The merchant's decision to stop retrying a privacy request (for instance one Shopify sent for a customer the
 * shop never had, that cannot succeed). The reason kept on the event says who gave up, when, and the last error.
 */
export async function giveUpPrivacyRequest(
  requests: PrivacyRequestQueue,
  shop: string,
  eventId: string,
  now: Date = new Date(),
): Promise<boolean> {
  const pending = (await requests.pending(shop)).find((request) => request.id === eventId);
  if (!pending) return false;
  const reason =
    `Given up by the merchant at ${now.toISOString()} after ${pending.attempts} failed attempts` +
    (pending.lastError ? `: ${pending.lastError}` : "");
  return requests.giveUp(shop, eventId, reason);
}
