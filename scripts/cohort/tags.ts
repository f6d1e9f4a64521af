import { disconnectDatabase, isShopKnown } from "../../app/background/shop-status.server.js";
import {
  configureTagging,
  dryRunTagging,
  segmentNamed,
  shopTaggings,
  tagHistory,
  UnknownSegmentError,
  untagShop,
} from "../../app/background/tagging.server.js";
import type { TaggingChange } from "../../app/services/tagging/segment-tagging.js";
import { CliError, EXIT, unknownShop } from "./exit-codes.js";
import { formatDryRun, formatTagHistory, formatTaggings } from "./tags-format.js";

async function forKnownShop(shop: string, work: () => Promise<void>): Promise<number> {
  try {
    if (!(await isShopKnown(shop))) throw new CliError(unknownShop(shop), EXIT.shopUnavailable);
    await work();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UnknownSegmentError) throw new CliError(error.message, EXIT.invalidInput);
    throw error;
  } finally {
    await disconnectDatabase();
  }
}

export function configureTaggingOf(shop: string, segment: string | undefined, change: TaggingChange): Promise<number> {
  return forKnownShop(shop, async () => {
    if (segment !== undefined && Object.keys(change).length > 0) {
      const outcome = await configureTagging(shop, segment, change);
      if (!outcome.ok) {
        const hint = outcome.error.hint ? ` (${outcome.error.hint})` : "";
        throw new CliError(`tagging: ${outcome.error.message}${hint}; nothing saved`, EXIT.invalidInput);
      }
      const { tag, state, repair } = outcome.tagging;
      console.log(
        `${segment}: tag "${tag}", tagging ${state}, repair ${repair ? "on" : "off"}; ${outcome.marked} customers to update`,
      );
    }
    console.log(formatTaggings(shop, await shopTaggings(shop)));
  });
}

export function dryRunOf(shop: string, segment: string | undefined): Promise<number> {
  return forKnownShop(shop, async () => {
    const names =
      segment !== undefined
        ? [segment]
        : (await shopTaggings(shop)).taggings.flatMap((t) => (t.segmentName === null ? [] : [t.segmentName]));
    if (names.length === 0)
      console.log(`${shop}: no segment has a tag yet (npm run cohort -- tagging <shop> <segment> --on)`);
    for (const name of names) console.log(formatDryRun(name, await dryRunTagging(shop, name)));
  });
}

export function whyOf(shop: string, customerId: string, limit: number): Promise<number> {
  return forKnownShop(shop, async () => {
    console.log(formatTagHistory(`customer ${customerId}`, await tagHistory(shop, { customerId, limit })));
  });
}

export function segmentTagHistoryOf(shop: string, segment: string, limit: number): Promise<number> {
  return forKnownShop(shop, async () => {
    const found = await segmentNamed(shop, segment);
    console.log(formatTagHistory(`segment ${found.name}`, await tagHistory(shop, { segmentId: found.id, limit })));
  });
}

export function untagAllOf(shop: string): Promise<number> {
  return forKnownShop(shop, async () => {
    const { segments, marked } = await untagShop(shop);
    console.log(
      `${shop}: tagging switched off for ${segments} segments; ${marked} customers will lose Cohort's tags at the next ` +
        "push (the worker's, or npm run cohort -- push-tags). Merchants' own tags are kept.",
    );
  });
}
