import { checkSegmentTag, defaultSegmentTag, type SegmentTagError } from "../../domain/tagging/segment-tag.js";
import { tagKey } from "../../domain/tagging/tag-key.js";
import type { SegmentTaggingRecord, TagStateStore, TaggingState } from "./ports.js";

export interface TaggingChange {
  /** The tag as the merchant typed it; absent keeps the current one (or the default for a segment's first). */
  tag?: string;
  state?: TaggingState;
  repair?: boolean;
}

export type TaggingOutcome =
  { ok: true; tagging: SegmentTaggingRecord; marked: number } | { ok: false; error: SegmentTagError };

/**
 * Sets a segment's tag and whether Cohort writes it. Any change that alters what members should carry (turning
 * tagging on or off, a new tag) marks the segment's members and the customers holding its old tag in the outbox,
 * in the same call: the next push adds, removes or moves the tag. Pausing marks nothing: a paused tag stays as it is.
 */
export async function configureSegmentTagging(
  store: TagStateStore,
  shop: string,
  segment: { id: string; name: string },
  change: TaggingChange,
  now: Date,
  /** The shop's prefix for a segment's first, default tag (Settings); existing tags keep theirs. */
  tagPrefix?: string,
): Promise<TaggingOutcome> {
  const taggings = await store.taggings(shop);
  const current = taggings.find((t) => t.segmentId === segment.id);
  const others = taggings.filter((t) => t.segmentId !== segment.id).map((t) => t.tag);
  const check = checkSegmentTag(change.tag ?? current?.tag ?? defaultSegmentTag(segment.name, segment.id, tagPrefix), others);
  if (!check.ok) return check;
  const next = {
    segmentId: segment.id,
    tag: check.tag,
    tagKey: tagKey(check.tag),
    state: change.state ?? current?.state ?? "off",
    repair: change.repair ?? current?.repair ?? true,
  };
  const saved = await store.saveTagging(shop, next, now);
  if (saved === null) {
    return { ok: false, error: { code: "taken", message: `Another segment took the tag "${check.tag}" meanwhile.` } };
  }
  const moved = current !== undefined && tagKey(current.tag) !== next.tagKey;
  const switched = (current?.state ?? "off") !== next.state && next.state !== "paused";
  const resumed = current?.state === "paused" && next.state === "on";
  const marked =
    moved || switched || resumed
      ? await store.markSegment(
          shop,
          segment.id,
          current ? [current.tag] : [],
          { cause: "setting", causeRef: segment.id },
          now,
        )
      : 0;
  return { ok: true, tagging: saved, marked };
}

/** A deleted segment's tag leaves every customer who carries it from Cohort. */
export async function retireSegmentTagging(store: TagStateStore, shop: string, segmentId: string, now: Date) {
  const current = (await store.taggings(shop)).find((t) => t.segmentId === segmentId);
  if (!current) return 0;
  await store.saveTagging(
    shop,
    { segmentId, tag: current.tag, tagKey: tagKey(current.tag), state: "off", repair: false },
    now,
  );
  return store.markSegment(shop, segmentId, [current.tag], { cause: "edit", causeRef: `deleted:${segmentId}` }, now);
}

/**
 * Clean-up before an uninstall: every segment's tagging is switched off and every customer holding a Cohort tag is
 * marked; the pushes that follow remove each tag Cohort added (never a merchant's own) and nothing is added again.
 */
export async function untagAll(
  store: TagStateStore,
  shop: string,
  now: Date,
): Promise<{ segments: number; marked: number }> {
  const taggings = await store.taggings(shop);
  let marked = 0;
  for (const t of taggings) {
    await store.saveTagging(
      shop,
      { segmentId: t.segmentId, tag: t.tag, tagKey: tagKey(t.tag), state: "off", repair: t.repair },
      now,
    );
    marked += await store.markSegment(shop, t.segmentId, [t.tag], { cause: "manual", causeRef: "untag-all" }, now);
  }
  return { segments: taggings.length, marked };
}
