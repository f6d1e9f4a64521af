/** Shopify's limits on tags (../shared/shopify-facts.md): characters per tag, tags per customer. */
export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS_PER_CUSTOMER = 250;
