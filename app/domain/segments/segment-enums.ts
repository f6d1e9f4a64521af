/** Enumerated values of segment fields, spelled as Shopify's Admin API spells them. */
export { MARKETING_STATES } from "../sync/sync-records.js";

/** Shopify's CustomerRfmGroup enum values, in the order of Shopify's segment editor. */
export const RFM_GROUP_NAMES = [
  "CHAMPIONS",
  "LOYAL",
  "ACTIVE",
  "NEW",
  "PROMISING",
  "NEEDS_ATTENTION",
  "AT_RISK",
  "ALMOST_LOST",
  "DORMANT",
  "PREVIOUSLY_LOYAL",
  "PROSPECTS",
] as const;
export type RfmGroupName = (typeof RFM_GROUP_NAMES)[number];
