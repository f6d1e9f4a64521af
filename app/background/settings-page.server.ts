import db from "../db.server.js";
import { prismaShopSettings } from "../db/shop/shop-settings.server.js";
import { formatEvaluationTime } from "../domain/shop/shop-settings.js";
import { env } from "../env.server.js";
import { InvalidRfmGroupsError } from "../services/segments/rfm-group-settings.js";
import { checkShopSettings, loadShopSettings, saveShopSettings, type ShopSettingsInput } from "../services/shop/shop-settings.js";
import { shopTimeZones } from "../services/shop/shop-time-zone.js";
import { adminGraphql, type RemixAdmin } from "../shopify/admin-graphql.server.js";
import { privacyPage } from "./privacy-page.server.js";
import { resetShopRfmGroups, setShopRfmGroups, shopRfmGroups } from "./segments.server.js";

/** The Settings page's loader data. */
export async function settingsPage(admin: RemixAdmin, shop: string) {
  const [settings, rfm, privacy, timeZone] = await Promise.all([
    loadShopSettings(prismaShopSettings(db), shop),
    shopRfmGroups(shop),
    privacyPage(shop),
    shopTimeZones(() => adminGraphql(admin))(shop),
  ]);
  return {
    tagPrefix: settings.tagPrefix,
    evaluationTime: formatEvaluationTime(settings.evaluationMinute),
    tagBulkThreshold: settings.tagBulkThreshold,
    defaultTagBulkThreshold: env().COHORT_TAG_BULK_THRESHOLD,
    timeZone,
    rfmGroups: rfm.definitions,
    adjustedRfmGroups: rfm.adjusted,
    dataRequests: privacy.dataRequests,
  };
}

export type SettingsErrors = Partial<Record<"tagPrefix" | "evaluationTime" | "tagBulkThreshold" | "rfmGroups", string>>;

/** Saves the shop's settings and, when given, its RFM groups; nothing is saved if any field is wrong. */
export async function saveSettings(
  shop: string,
  input: ShopSettingsInput & { rfmGroups?: Record<string, unknown> },
): Promise<{ ok: true } | { ok: false; errors: SettingsErrors }> {
  const { rfmGroups, ...shopInput } = input;
  // Every field is checked before anything is written; the RFM groups (checked as they are saved) go first.
  const checked = checkShopSettings(shopInput);
  if (!checked.ok) return checked;
  const current = rfmGroups === undefined ? null : (await shopRfmGroups(shop)).definitions;
  if (rfmGroups !== undefined && JSON.stringify(rfmGroups) !== JSON.stringify(current)) {
    try {
      await setShopRfmGroups(shop, rfmGroups);
    } catch (error) {
      if (error instanceof InvalidRfmGroupsError) return { ok: false, errors: { rfmGroups: error.problems.join("; ") } };
      throw error;
    }
  }
  const saved = await saveShopSettings(prismaShopSettings(db), shop, shopInput, new Date());
  return saved.ok ? { ok: true } : saved;
}

export async function resetRfmGroups(shop: string): Promise<void> {
  await resetShopRfmGroups(shop);
}
