import { tagKey } from "./tag-key.js";
import { MAX_TAG_LENGTH } from "./tag-limits.js";

/** Every tag Cohort writes by default starts so, which tells a merchant (and Flow, themes, other apps) whose it is. */
export const SEGMENT_TAG_PREFIX = "cohort:";

export type SegmentTagErrorCode = "empty" | "too-long" | "comma" | "control-character" | "taken";

export interface SegmentTagError {
  readonly code: SegmentTagErrorCode;
  readonly message: string;
  readonly hint?: string;
}

export type SegmentTagCheck =
  { readonly ok: true; readonly tag: string } | { readonly ok: false; readonly error: SegmentTagError };

/**
 * `VIP: top 10%` → `cohort:vip-top-10`; a name with no letters or digits falls back to the segment's id. A shop may
 * choose its own prefix (Settings).
 */
export function defaultSegmentTag(segmentName: string, segmentId: string, prefix: string = SEGMENT_TAG_PREFIX): string {
  const slug = segmentName
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
  const base = `${prefix}${slug.length > 0 ? slug : segmentId}`;
  return base.length <= MAX_TAG_LENGTH ? base : base.slice(0, MAX_TAG_LENGTH).replace(/-+$/, "");
}

/**
 * A segment's tag as the merchant typed it, checked against what Shopify accepts and against the shop's other
 * segment tags (two segments sharing a tag would remove each other's members' tags). Whitespace is trimmed as
 * Shopify trims it.
 */
export function checkSegmentTag(raw: string, otherSegmentTags: readonly string[]): SegmentTagCheck {
  const tag = raw.normalize("NFC").trim().replace(/\s+/gu, " ");
  if (tag.length === 0) return failure("empty", "A segment's tag cannot be empty.");
  if ([...tag].length > MAX_TAG_LENGTH) {
    return failure("too-long", `A tag has at most ${MAX_TAG_LENGTH} characters; this one has ${[...tag].length}.`);
  }
  if (tag.includes(",")) {
    return failure("comma", "A tag cannot contain a comma: Shopify splits tags on commas.", "use - or : instead");
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\u0000-\u001f\u007f]/u.test(tag))
    return failure("control-character", "A tag cannot contain control characters.");
  const key = tagKey(tag);
  const clash = otherSegmentTags.find((other) => tagKey(other) === key);
  if (clash !== undefined) {
    return failure(
      "taken",
      `Another segment already writes the tag "${clash}" (tags that differ only in case or spacing are one tag in Shopify).`,
      "choose another tag",
    );
  }
  return { ok: true, tag };
}

function failure(code: SegmentTagErrorCode, message: string, hint?: string): SegmentTagCheck {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } };
}
