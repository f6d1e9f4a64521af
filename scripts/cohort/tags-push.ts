import { disconnectDatabase, isShopKnown } from "../../app/background/shop-status.server.js";
import { pushShopTags } from "../../app/background/tagging.server.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";

/** Pushes every customer waiting in the shop's tag outbox now, and says what Shopify answered. */
export async function pushTagsOf(shop: string): Promise<number> {
  try {
    if (!(await isShopKnown(shop))) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    const s = await pushShopTags(shop);
    console.log(
      `${shop}: ${s.customers} customers pushed — ${s.added} tags added, ${s.removed} removed, ${s.repaired} repaired, ` +
        `${s.adopted} already the merchant's, ${s.released} left alone after a removal by hand, ${s.refused} over ` +
        `Shopify's tag limit, ${s.rejected} refused by Shopify, ${s.failed} failed (retried later)`,
    );
    return s.rejected + s.failed + s.refused > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await disconnectDatabase();
  }
}
