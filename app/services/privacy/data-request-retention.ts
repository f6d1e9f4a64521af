import type { PrivacyRepository } from "./ports.js";

/**
 * How long a customer data export is kept: the 30 days Shopify gives a merchant to answer the customer. The export
 * holds the customer's personal data; after that it is deleted (README, Privacy).
 */
export const DATA_REQUEST_RETENTION_MS = 30 * 24 * 60 * 60_000;

export async function applyDataRequestRetention(
  privacy: Pick<PrivacyRepository, "deleteDataRequestsBefore">,
  now: Date = new Date(),
): Promise<number> {
  return privacy.deleteDataRequestsBefore(new Date(now.getTime() - DATA_REQUEST_RETENTION_MS));
}
