import { checkRfmGroupOverrides } from "../../domain/segments/rfm-group-overrides.js";
import type { RfmGroupSettingsStore } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";

/** ShopSegmentSettings: one row per shop that changed a setting; no row means the defaults. */
export function prismaRfmGroupSettings(db: Database): RfmGroupSettingsStore {
  return {
    async rfmGroupOverrides(shop) {
      const row = await db.shopSegmentSettings.findUnique({ where: { shop }, select: { rfmGroups: true } });
      if (!row) return {};
      // Saved by this adapter after validation; checked again so a hand-edited row fails here, not in the SQL.
      const checked = checkRfmGroupOverrides(JSON.parse(row.rfmGroups));
      if (!checked.ok) throw new Error(`Stored RFM groups of ${shop} are invalid: ${checked.problems.join("; ")}`);
      return checked.overrides;
    },

    async saveRfmGroupOverrides(shop, overrides, now) {
      const data = { rfmGroups: JSON.stringify(overrides), updatedAt: now };
      await db.shopSegmentSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
    },
  };
}
