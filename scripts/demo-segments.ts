/**
 * Gives the demo shop one segment per available template (`npm run dev` runs it once the app is installed there),
 * so the demo shows segments with members from the first page load, and switches automatic tagging on for a few of
 * them (scripts/demo/demo-segments.ts), so the worker writes `cohort:*` tags into the local Shopify.
 * Usage: tsx scripts/demo-segments.ts <shop>, with the app's environment (npm run dev passes it).
 */
import { disconnectDatabase } from "../app/background/shop-status.server.js";
import { makeDemoSegments } from "./demo/demo-segments.js";

const shop = process.argv[2];
if (!shop) {
  console.error("usage: tsx scripts/demo-segments.ts <shop>");
  process.exit(64);
}
try {
  const { created, tagged } = await makeDemoSegments(shop);
  console.log(
    created.length
      ? `[dev] segments of ${shop} from the templates: ${created.join(", ")}`
      : `[dev] ${shop} has its template segments already`,
  );
  if (tagged.length) console.log(`[dev] automatic tagging switched on in ${shop}: ${tagged.join(", ")}`);
} finally {
  await disconnectDatabase();
}
