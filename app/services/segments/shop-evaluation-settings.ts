import { rfmGroupDefinitions } from "../../domain/segments/rfm-groups.js";
import type { EvaluationSettings, RfmGroupSettingsStore } from "./ports.js";

export interface ShopSettingsDeps {
  /** The shop's RFM group overrides; without it (or for a shop without any) the default groups apply. */
  rfmGroupSettings?: RfmGroupSettingsStore;
}

/**
 * The settings an evaluation of the shop runs with: the caller's, completed with the shop's own RFM groups unless
 * the caller already chose them (a change of the groups re-evaluates with the new ones).
 */
export async function withShopSettings(
  deps: ShopSettingsDeps,
  shop: string,
  settings: EvaluationSettings,
): Promise<EvaluationSettings> {
  if (settings.rfmGroups !== undefined || deps.rfmGroupSettings === undefined) return settings;
  const overrides = await deps.rfmGroupSettings.rfmGroupOverrides(shop);
  if (Object.keys(overrides).length === 0) return settings;
  return { ...settings, rfmGroups: rfmGroupDefinitions(overrides) };
}
