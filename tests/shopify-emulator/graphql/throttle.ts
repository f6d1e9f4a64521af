import type { ShopPlan } from "../store/types.js";

/** Points per second the bucket refills, by the shop's plan (shopify.dev "GraphQL Admin API rate limits"). */
export const RESTORE_RATE_BY_PLAN: Readonly<Record<ShopPlan, number>> = {
  BASIC: 100,
  STANDARD: 100,
  ADVANCED: 200,
  PLUS: 1000,
  ENTERPRISE: 2000,
};

/** Observed on Shopify: `maximumAvailable` is 20 seconds of restore (Basic: 2000 at 100/s). */
export const BUCKET_SECONDS = 20;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  available: number;
  updatedAtMs: number;
}

/**
 * Shopify's leaky bucket, one per (shop, app). The plan is read on every request, so a plan change applies to
 * the next request; the level carried over is clipped to the new maximum.
 */
export class CostThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly nowMs: () => number) {}

  static limitsFor(plan: ShopPlan): { maximumAvailable: number; restoreRate: number } {
    const restoreRate = RESTORE_RATE_BY_PLAN[plan];
    return { restoreRate, maximumAvailable: restoreRate * BUCKET_SECONDS };
  }

  private refill(key: string, plan: ShopPlan): { bucket: Bucket; maximumAvailable: number; restoreRate: number } {
    const { maximumAvailable, restoreRate } = CostThrottle.limitsFor(plan);
    const now = this.nowMs();
    const bucket = this.buckets.get(key) ?? { available: maximumAvailable, updatedAtMs: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedAtMs) / 1000;
    bucket.available = Math.min(maximumAvailable, bucket.available + elapsedSeconds * restoreRate);
    bucket.updatedAtMs = now;
    this.buckets.set(key, bucket);
    return { bucket, maximumAvailable, restoreRate };
  }

  /** Takes `requestedCost` if it is available; otherwise takes nothing and answers `ok: false`. */
  take(
    shopId: number,
    clientId: string,
    plan: ShopPlan,
    requestedCost: number,
  ): { ok: boolean; status: ThrottleStatus } {
    const key = `${shopId}:${clientId}`;
    const { bucket, maximumAvailable, restoreRate } = this.refill(key, plan);
    const ok = bucket.available >= requestedCost;
    if (ok) bucket.available -= requestedCost;
    return { ok, status: statusOf(bucket, maximumAvailable, restoreRate) };
  }

  /** Gives back what was taken but not used (requested − actual). */
  refund(shopId: number, clientId: string, plan: ShopPlan, points: number): ThrottleStatus {
    const key = `${shopId}:${clientId}`;
    const { bucket, maximumAvailable, restoreRate } = this.refill(key, plan);
    bucket.available = Math.min(maximumAvailable, bucket.available + Math.max(0, points));
    return statusOf(bucket, maximumAvailable, restoreRate);
  }

  status(shopId: number, clientId: string, plan: ShopPlan): ThrottleStatus {
    const { bucket, maximumAvailable, restoreRate } = this.refill(`${shopId}:${clientId}`, plan);
    return statusOf(bucket, maximumAvailable, restoreRate);
  }

  reset(): void {
    this.buckets.clear();
  }
}

function statusOf(bucket: Bucket, maximumAvailable: number, restoreRate: number): ThrottleStatus {
  // Shopify reports whole points.
  return { maximumAvailable, currentlyAvailable: Math.floor(bucket.available), restoreRate };
}
