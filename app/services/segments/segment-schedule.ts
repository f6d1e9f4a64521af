import {
  evaluateShop,
  snapshotDay,
  snapshotSegments,
  type SegmentEvaluationDeps,
  type ShopEvaluation,
} from "./segment-evaluation.js";
import type { CauseOfChange, SegmentedShops, SegmentMembershipReader } from "./ports.js";
import { shopLocalMinuteOfDay } from "../../domain/segments/segment-dates.js";
import { DEFAULT_EVALUATION_MINUTE, dailyEvaluationDue, previousDay } from "../../domain/shop/shop-settings.js";

export interface SegmentScheduleDeps extends SegmentEvaluationDeps {
  membership: Pick<SegmentMembershipReader, "lastSnapshotDay">;
  shops: SegmentedShops;
  timeZoneOf(shop: string): Promise<string>;
  /** Minutes after local midnight at which the shop's daily evaluation runs (Settings); midnight without it. */
  evaluationMinuteOf?(shop: string): Promise<number>;
}

export interface ScheduledEvaluation extends ShopEvaluation {
  shop: string;
  day: string;
}

/**
 * A whole-shop evaluation and today's snapshot: after a backfill (cause "backfill"), and once a day per shop.
 * Time-relative rules (`-90d`) move only with the shop's calendar, so the daily one is what moves them.
 */
export async function evaluateAndSnapshot(
  deps: SegmentScheduleDeps,
  shop: string,
  now: Date,
  cause: CauseOfChange["cause"],
): Promise<ScheduledEvaluation> {
  const timeZone = await deps.timeZoneOf(shop);
  const day = snapshotDay(now, timeZone);
  const result = await evaluateShop(deps, shop, { now, timeZone }, { cause, causeRef: day });
  await snapshotSegments(deps, shop, { now, timeZone });
  return { shop, day, ...result };
}

/**
 * The daily evaluation: every shop whose local day has begun since its last snapshot, and whose chosen evaluation
 * time (Settings, midnight by default) has come, is evaluated (cause "schedule") and snapshotted. Run it often (every few minutes); a shop is done once per local day. A shop that
 * fails is reported and tried again on the next run; the others go on.
 */
export async function runDueEvaluations(
  deps: SegmentScheduleDeps,
  now: Date,
  onError: (shop: string, error: unknown) => void,
): Promise<ScheduledEvaluation[]> {
  const done: ScheduledEvaluation[] = [];
  for (const shop of await deps.shops.list()) {
    try {
      const timeZone = await deps.timeZoneOf(shop);
      const today = snapshotDay(now, timeZone);
      const lastDay = await deps.membership.lastSnapshotDay(shop);
      if (lastDay === today) continue;
      const evaluationMinute = (await deps.evaluationMinuteOf?.(shop)) ?? DEFAULT_EVALUATION_MINUTE;
      const minuteOfDay = shopLocalMinuteOfDay(now, timeZone);
      if (!dailyEvaluationDue({ lastDay, today, yesterday: previousDay(today), minuteOfDay, evaluationMinute })) {
        continue;
      }
      done.push(await evaluateAndSnapshot(deps, shop, now, "schedule"));
    } catch (error) {
      onError(shop, error);
    }
  }
  return done;
}
