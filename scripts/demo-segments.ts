/**
 * Gives the demo shop one segment per available template (`npm run dev` runs it once the app is installed there),
 * so the demo shows segments with members from the first page load, and switches automatic tagging on for a few of
 * them (scripts/demo/demo-segments.ts), so the worker writes `cohort:*` tags into the local Shopify; in the local
 * Shopify it also makes the VIP segment's discount. With --orders it only places a few orders with that code, once
 * the segment's tag has reached some members (scripts/demo/demo-discount.ts): `npm run dev` runs it in the background.
 * Usage: tsx scripts/demo-segments.ts <shop> [--orders], with the app's environment (npm run dev passes it).
 */
import { disconnectDatabase } from "../app/background/shop-status.server.js";
import { makeDemoDiscount, placeDemoOrders } from "./demo/demo-discount.js";
import { makeDemoSegments } from "./demo/demo-segments.js";

const shop = process.argv[2];
const withOrders = process.argv.includes("--orders");
if (!shop) {
  console.error("usage: tsx scripts/demo-segments.ts <shop> [--orders]");
  process.exit(64);
}
async function segmentsAndDiscount(shop: string) {
  const { created, tagged } = await makeDemoSegments(shop);
  console.log(
    created.length
      ? `[dev] segments of ${shop} from the templates: ${created.join(", ")}`
      : `[dev] ${shop} has its template segments already`,
  );
  if (tagged.length) console.log(`[dev] automatic tagging switched on in ${shop}: ${tagged.join(", ")}`);
  const discount = await makeDemoDiscount(shop);
  if (discount) console.log(`[dev] a demo discount in ${shop}: ${discount}`);
}

async function orders(shop: string, emulatorUrl: string | undefined) {
  if (!emulatorUrl) throw new Error("--orders places orders in the local Shopify: SHOPIFY_EMULATOR_URL is not set");
  const placed = await placeDemoOrders(shop, emulatorUrl);
  console.log(
    placed > 0
      ? `[dev] ${placed} demo orders in ${shop} used the VIP code`
      : `[dev] no demo order placed in ${shop}: the VIP code was used already or no member carries the tag yet`,
  );
}

try {
  if (withOrders) await orders(shop, process.env.SHOPIFY_EMULATOR_URL);
  else await segmentsAndDiscount(shop);
} finally {
  await disconnectDatabase();
}
