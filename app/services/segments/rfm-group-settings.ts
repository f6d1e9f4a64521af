import {
  checkRfmGroupOverrides,
  essentialOverrides,
  rfmGroupNamed,
  SCORED_RFM_GROUPS,
} from "../../domain/segments/rfm-group-overrides.js";
import {
  rfmGroupDefinitions,
  type RfmGroupDefinitions,
  type RfmGroupOverrides,
  type ScoredRfmGroupName,
} from "../../domain/segments/rfm-groups.js";
import { conditionsOf, type SegmentTree } from "../../domain/segments/segment-tree.js";
import { evaluateSegment, type SegmentEvaluationDeps } from "./segment-evaluation.js";
import type { CauseOfChange, EvaluationSettings, MembershipChanges, RfmGroupSettingsStore } from "./ports.js";

/** Changes an adjustment of the groups makes: recorded as an edit of the rule. */
export const RFM_GROUPS_CHANGED: CauseOfChange = { cause: "edit", causeRef: "rfm-groups-changed" };

/** The adjustment cannot be applied (a bad shape, an unknown group, a grid no longer partitioned); nothing saved. */
export class InvalidRfmGroupsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The RFM groups cannot be set so: ${problems.join("; ")}`);
    this.name = "InvalidRfmGroupsError";
  }
}

export interface RfmGroupSettingsDeps extends SegmentEvaluationDeps {
  rfmGroupSettings: RfmGroupSettingsStore;
}

export interface RfmGroupSettings {
  definitions: RfmGroupDefinitions;
  /** The groups the shop adjusted (the others keep their defaults). */
  adjusted: ScoredRfmGroupName[];
}

export interface ChangedRfmGroups extends RfmGroupSettings {
  /** The segments using rfm_group, re-evaluated with the new groups. */
  reevaluated: { segments: number } & MembershipChanges;
}

export function usesRfmGroups(tree: SegmentTree): boolean {
  return conditionsOf(tree).some((condition) => condition.field === "rfm_group");
}

function settingsOf(overrides: RfmGroupOverrides): RfmGroupSettings {
  return {
    definitions: rfmGroupDefinitions(overrides),
    adjusted: SCORED_RFM_GROUPS.filter((name) => overrides[name] !== undefined),
  };
}

export async function rfmGroupSettings(deps: Pick<RfmGroupSettingsDeps, "rfmGroupSettings">, shop: string) {
  return settingsOf(await deps.rfmGroupSettings.rfmGroupOverrides(shop));
}

async function saveAndReevaluate(
  deps: RfmGroupSettingsDeps,
  shop: string,
  overrides: RfmGroupOverrides,
  settings: Omit<EvaluationSettings, "rfmGroups">,
): Promise<ChangedRfmGroups> {
  const kept = essentialOverrides(overrides);
  await deps.rfmGroupSettings.saveRfmGroupOverrides(shop, kept, settings.now);
  const saved = settingsOf(kept);
  const reevaluated = { segments: 0, entered: 0, exited: 0 };
  for (const segment of await deps.segments.list(shop)) {
    if (!usesRfmGroups(segment.tree)) continue;
    const changes = await evaluateSegment(
      deps,
      shop,
      segment,
      { ...settings, rfmGroups: saved.definitions },
      RFM_GROUPS_CHANGED,
    );
    reevaluated.segments += 1;
    reevaluated.entered += changes.entered;
    reevaluated.exited += changes.exited;
  }
  return { ...saved, reevaluated };
}

/**
 * Adjusts some groups' score ranges, keyed by group name as a merchant may type it ("needs attention"): each
 * given group gets exactly these rectangles, the other groups keep theirs. The result must still partition the
 * scores (every cell in exactly one group); if not, InvalidRfmGroupsError lists the cells at fault and nothing is
 * saved. The segments using rfm_group are re-evaluated at once (cause "edit", causeRef "rfm-groups-changed").
 */
export async function setRfmGroups(
  deps: RfmGroupSettingsDeps,
  shop: string,
  changes: Record<string, unknown>,
  settings: Omit<EvaluationSettings, "rfmGroups">,
): Promise<ChangedRfmGroups> {
  const renamed: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [input, rules] of Object.entries(changes)) {
    const name = rfmGroupNamed(input);
    if (name === null) unknown.push(input);
    else renamed[name] = rules;
  }
  if (unknown.length > 0) {
    const names = SCORED_RFM_GROUPS.join(", ");
    throw new InvalidRfmGroupsError(
      unknown.map((name) => `no RFM group ${name} (groups: ${names}; PROSPECTS is fixed)`),
    );
  }
  const current = await deps.rfmGroupSettings.rfmGroupOverrides(shop);
  const checked = checkRfmGroupOverrides({ ...current, ...renamed });
  if (!checked.ok) throw new InvalidRfmGroupsError(checked.problems);
  return saveAndReevaluate(deps, shop, checked.overrides, settings);
}

/** Every group back to its default ranges; the segments using rfm_group are re-evaluated. */
export function resetRfmGroups(
  deps: RfmGroupSettingsDeps,
  shop: string,
  settings: Omit<EvaluationSettings, "rfmGroups">,
): Promise<ChangedRfmGroups> {
  return saveAndReevaluate(deps, shop, {}, settings);
}
