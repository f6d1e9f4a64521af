import {
  checkTagBulkThreshold,
  checkTagPrefix,
  parseEvaluationTime,
  shopSettingsOf,
  type ShopSettings,
  type StoredShopSettings,
} from "../../domain/shop/shop-settings.js";
import type { ShopSettingsStore } from "./ports.js";

export function loadShopSettings(store: ShopSettingsStore, shop: string): Promise<ShopSettings> {
  return store.settings(shop).then(shopSettingsOf);
}

/** What the merchant submitted; an absent field is left as it is, an empty bulk threshold goes back to the default. */
export interface ShopSettingsInput {
  tagPrefix?: string;
  /** `HH:MM`, the shop's local time. */
  evaluationTime?: string;
  tagBulkThreshold?: number | null;
}

export type ShopSettingsField = keyof ShopSettingsInput;

export type SavedShopSettings =
  { ok: true; settings: ShopSettings } | { ok: false; errors: Partial<Record<ShopSettingsField, string>> };

/** Every field checked: the columns to write, or each wrong field's error. */
export function checkShopSettings(
  input: ShopSettingsInput,
): { ok: true; changes: Partial<StoredShopSettings> } | { ok: false; errors: Partial<Record<ShopSettingsField, string>> } {
  const errors: Partial<Record<ShopSettingsField, string>> = {};
  const changes: Partial<StoredShopSettings> = {};
  if (input.tagPrefix !== undefined) {
    const checked = checkTagPrefix(input.tagPrefix);
    if (checked.ok) changes.tagPrefix = checked.value;
    else errors.tagPrefix = checked.message;
  }
  if (input.evaluationTime !== undefined) {
    const checked = parseEvaluationTime(input.evaluationTime);
    if (checked.ok) changes.evaluationMinute = checked.value;
    else errors.evaluationTime = checked.message;
  }
  if (input.tagBulkThreshold !== undefined) {
    if (input.tagBulkThreshold === null) changes.tagBulkThreshold = null;
    else {
      const checked = checkTagBulkThreshold(input.tagBulkThreshold);
      if (checked.ok) changes.tagBulkThreshold = checked.value;
      else errors.tagBulkThreshold = checked.message;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, changes };
}

/** Checks every field; if any is wrong, nothing is saved and each error names its field. */
export async function saveShopSettings(
  store: ShopSettingsStore,
  shop: string,
  input: ShopSettingsInput,
  now: Date,
): Promise<SavedShopSettings> {
  const checked = checkShopSettings(input);
  if (!checked.ok) return checked;
  await store.save(shop, checked.changes, now);
  return { ok: true, settings: await loadShopSettings(store, shop) };
}
