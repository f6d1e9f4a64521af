import { rfmGroupDefinitions, rfmGroupOf } from "../../domain/segments/rfm-groups.js";
import type { RfmGroupName } from "../../domain/segments/segment-enums.js";
import { rfmScoresFromThresholds, type RfmScores } from "../../domain/segments/shop-thresholds.js";
import type { TagAuditRow, TagStateStore } from "../tagging/ports.js";
import type {
  CustomerMetricsRow,
  CustomerProfile,
  CustomerProfiles,
  RfmGroupSettingsStore,
  SegmentDetailReader,
  SegmentEvaluationStore,
  SegmentMembershipChange,
  SegmentRepository,
} from "./ports.js";

export interface CustomerPageDeps {
  segments: Pick<SegmentRepository, "list">;
  detail: SegmentDetailReader;
  evaluation: Pick<SegmentEvaluationStore, "storedThresholds">;
  rfmGroupSettings: Pick<RfmGroupSettingsStore, "rfmGroupOverrides">;
  profiles: Pick<CustomerProfiles, "profiles">;
  tagging: Pick<TagStateStore, "auditFor">;
}

export interface CustomerPage {
  customerId: string;
  profile: CustomerProfile | null;
  metrics: CustomerMetricsRow | null;
  rfm: { scores: RfmScores | null; group: RfmGroupName } | null;
  segments: Array<{ segmentId: string; name: string; enteredAt: string }>;
  /** The customer's tag audit, newest first, each row with its segment's name: why each tag is there or not. */
  tagTrail: Array<TagAuditRow & { segmentName: string | null }>;
  changes: Array<SegmentMembershipChange & { segmentId: string; segmentName: string | null }>;
}

const TRAIL_SHOWN = 50;

/** Null when Cohort knows nothing of the customer in this shop (no metrics, no memberships, no tag history). */
export async function loadCustomerPage(
  deps: CustomerPageDeps,
  shop: string,
  customerId: string,
): Promise<CustomerPage | null> {
  const [segments, metrics, memberships, trail, changes, thresholds, overrides, profiles] = await Promise.all([
    deps.segments.list(shop),
    deps.detail.customerMetrics(shop, customerId),
    deps.detail.customerMemberships(shop, customerId),
    deps.tagging.auditFor(shop, { customerId, limit: TRAIL_SHOWN }),
    deps.detail.customerHistory(shop, customerId, TRAIL_SHOWN),
    deps.evaluation.storedThresholds(shop),
    deps.rfmGroupSettings.rfmGroupOverrides(shop),
    deps.profiles.profiles([customerId]),
  ]);
  if (metrics === null && memberships.length === 0 && trail.length === 0 && changes.length === 0) return null;
  const nameOf = new Map(segments.map((s) => [s.id, s.name]));
  const scores =
    metrics && thresholds
      ? rfmScoresFromThresholds(thresholds, {
          orderCount: metrics.orderCount,
          netSpend: metrics.netSpend,
          lastOrderAt: metrics.lastOrderAt,
        })
      : null;
  return {
    customerId,
    profile: profiles.get(customerId) ?? null,
    metrics,
    rfm: metrics && thresholds ? { scores, group: rfmGroupOf(scores, rfmGroupDefinitions(overrides)) } : null,
    segments: memberships.map((m) => ({ ...m, name: nameOf.get(m.segmentId) ?? m.segmentId })),
    tagTrail: trail.map((row) => ({
      ...row,
      segmentName: row.segmentId === null ? null : (nameOf.get(row.segmentId) ?? null),
    })),
    changes: changes.map((change) => ({ ...change, segmentName: nameOf.get(change.segmentId) ?? null })),
  };
}
