import {
  evaluateShop,
  snapshotDay,
  snapshotSegments,
  type SegmentEvaluationDeps,
  type ShopEvaluation,
} from "./segment-evaluation.js";
import type { CauseOfChange, SegmentedShops, SegmentMembershipReader } from "./ports.js";

export interface SegmentScheduleDeps extends SegmentEvaluationDeps {
  membership: Pick<SegmentMembershipReader, "lastSnapshotDay">;
  shops: SegmentedShops;
  timeZoneOf(shop: string): Promise<string>;
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
 * The daily evaluation: every shop whose local day has begun since its last snapshot is evaluated (cause
 * "schedule") and snapshotted. Run it often (every few minutes); a shop is done once per local day. A shop that
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
      const today = snapshotDay(now, await deps.timeZoneOf(shop));
      if ((await deps.membership.lastSnapshotDay(shop)) === today) continue;
      done.push(await evaluateAndSnapshot(deps, shop, now, "schedule"));
    } catch (error) {
      onError(shop, error);
    }
  }
  return done;
}
