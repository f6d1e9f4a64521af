import { disconnectDatabase, isShopKnown } from "../../app/background/shop-status.server.js";
import {
  createDiscountForSegment,
  segmentDiscounts,
  UnknownDiscountSegmentError,
} from "../../app/background/discounts.server.js";
import type { SegmentDiscountView } from "../../app/services/discounts/segment-discounts.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";

async function forKnownShop(shop: string, work: () => Promise<number>): Promise<number> {
  try {
    if (!(await isShopKnown(shop))) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    return await work();
  } catch (error) {
    if (error instanceof UnknownDiscountSegmentError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  } finally {
    await disconnectDatabase();
  }
}

function describeValue(discount: SegmentDiscountView): string {
  if (discount.kind === "free_shipping") return "free shipping";
  return discount.kind === "percentage" ? `${discount.value}% off` : `${discount.value} off`;
}

export function formatDiscounts(shop: string, discounts: readonly SegmentDiscountView[]): string {
  if (discounts.length === 0)
    return `${shop}: no discounts yet (npm run cohort -- discounts create <shop> <segment> --percent 15 --code VIP15)`;
  const lines = discounts.map((d) =>
    [
      d.status.padEnd(9),
      (d.code ?? (d.method === "function" ? "(tag Function)" : "(automatic)")).padEnd(16),
      describeValue(d).padEnd(16),
      `${d.redemptions} orders`.padEnd(11),
      `revenue ${d.revenue}`.padEnd(18),
      `Shopify uses ${d.shopifyUsageCount ?? "?"}`.padEnd(16),
      d.title,
    ].join(" "),
  );
  return [`${shop}: ${discounts.length} discounts`, ...lines].join("\n");
}

export function listDiscountsOf(shop: string, segment: string | undefined): Promise<number> {
  return forKnownShop(shop, async () => {
    console.log(formatDiscounts(shop, await segmentDiscounts(shop, segment)));
    return EXIT.ok;
  });
}

export function createDiscountOf(shop: string, segment: string, form: Record<string, unknown>): Promise<number> {
  return forKnownShop(shop, async () => {
    const outcome = await createDiscountForSegment(shop, segment, form);
    if (!outcome.ok) {
      const reasons = Object.entries(outcome.fieldErrors).map(([field, message]) => `  ${field}: ${message}`);
      throw new CliError(`discount not created:\n${reasons.join("\n")}`, EXIT.invalidInput);
    }
    for (const warning of outcome.warnings) console.log(`warning: ${warning}`);
    const { discount } = outcome;
    const what = discount.code ?? (discount.method === "function" ? "a tag discount" : "an automatic discount");
    console.log(`${segment}: created ${what} (${discount.title}), ${discount.id}`);
    return EXIT.ok;
  });
}
