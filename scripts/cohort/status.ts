import { disconnectDatabase, shopStatus } from "../../app/background/shop-status.server.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";
import { formatShopStatus } from "./status-format.js";

export async function status(shop: string): Promise<number> {
  try {
    const found = await shopStatus(shop);
    if (!found) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    console.log(formatShopStatus(found));
    return EXIT.ok;
  } finally {
    await disconnectDatabase();
  }
}
