/**
 * The demo shop's segments: one per available template, and automatic tagging switched on for a few of them so the
 * demo's local Shopify shows `cohort:*` tags once the worker has pushed. A segment or a tagging already there is left
 * as it is (the merchant may have changed it in the demo).
 */
import { createShopSegment, shopSegments } from "../../app/background/segments.server.js";
import { configureTagging, shopTaggings } from "../../app/background/tagging.server.js";
import { fillSegmentTemplate, SEGMENT_TEMPLATES } from "../../app/domain/segments/segment-templates.js";
import { DEMO_TAGS } from "./demo-tags.js";

/** The demo store's customers live mostly in the United States (tests/shopify-emulator/demo). */
const DEMO_PARAMETERS: Record<string, string> = { countryCode: "US" };

export interface DemoSegmentsResult {
  created: string[];
  tagged: string[];
}

export async function makeDemoSegments(shop: string): Promise<DemoSegmentsResult> {
  const existing = new Set((await shopSegments(shop)).segments.map((segment) => segment.name));
  const created: string[] = [];
  for (const template of SEGMENT_TEMPLATES) {
    if (!template.available || existing.has(template.name)) continue;
    const { changes } = await createShopSegment(shop, template.name, fillSegmentTemplate(template, DEMO_PARAMETERS));
    created.push(`${template.name} (${changes.entered})`);
  }
  const { taggings } = await shopTaggings(shop);
  const configured = new Set(taggings.flatMap((t) => (t.segmentName === null ? [] : [t.segmentName])));
  const tagged: string[] = [];
  for (const template of SEGMENT_TEMPLATES) {
    const tag = DEMO_TAGS[template.id];
    if (tag === undefined || configured.has(template.name)) continue;
    const outcome = await configureTagging(shop, template.name, { tag, state: "on" });
    if (!outcome.ok) throw new Error(`tagging ${template.name} with ${tag}: ${outcome.error.message}`);
    tagged.push(`${template.name} → ${tag} (${outcome.marked})`);
  }
  return { created, tagged };
}
