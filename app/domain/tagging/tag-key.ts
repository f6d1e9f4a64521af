/**
 * Shopify treats tags that differ only in case as one (`tagsAdd(["vip"])` on a customer tagged "VIP" changes
 * nothing; `tagsRemove(["vip"])` removes "VIP": see the tags-normalization capture) and trims them. Cohort compares
 * tags by this key, folding every letter and any run of whitespace: a wider equivalence than Shopify's can only make
 * Cohort leave a tag alone, never remove one it does not own.
 */
export function tagKey(tag: string): string {
  return tag.normalize("NFC").trim().replace(/\s+/gu, " ").toLowerCase();
}

/** Shopify splits a tag argument on commas and trims each piece. */
export function splitTagText(text: string): string[] {
  return text
    .split(",")
    .map((piece) => piece.trim())
    .filter((piece) => piece.length > 0);
}
