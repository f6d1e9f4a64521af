/**
 * Gives the demo shop one segment per available template (`npm run dev` runs it once the app is installed there),
 * so the demo shows segments with members from the first page load. A segment already there is left as it is.
 * Usage: tsx scripts/demo-segments.ts <shop>, with the app's environment (npm run dev passes it).
 */
import { createShopSegment, shopSegments } from "../app/background/segments.server.js";
import { disconnectDatabase } from "../app/background/shop-status.server.js";
import { fillSegmentTemplate, SEGMENT_TEMPLATES } from "../app/domain/segments/segment-templates.js";

/** The demo store's customers live mostly in the United States (tests/shopify-emulator/demo). */
const DEMO_PARAMETERS: Record<string, string> = { countryCode: "US" };

const shop = process.argv[2];
if (!shop) {
  console.error("usage: tsx scripts/demo-segments.ts <shop>");
  process.exit(64);
}
try {
  const existing = new Set((await shopSegments(shop)).segments.map((segment) => segment.name));
  const created: string[] = [];
  for (const template of SEGMENT_TEMPLATES) {
    if (!template.available || existing.has(template.name)) continue;
    const { changes } = await createShopSegment(shop, template.name, fillSegmentTemplate(template, DEMO_PARAMETERS));
    created.push(`${template.name} (${changes.entered})`);
  }
  console.log(
    created.length
      ? `[dev] segments of ${shop} from the templates: ${created.join(", ")}`
      : `[dev] ${shop} has its template segments already`,
  );
} finally {
  await disconnectDatabase();
}
