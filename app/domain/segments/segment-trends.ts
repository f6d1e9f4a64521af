/**
 * How a segment's size moved, from its daily snapshots (SegmentSnapshot, one per shop-local day of a full
 * evaluation): the change against the snapshot 7 and 30 days before today, and the sizes of the last 30 days for
 * a sparkline. Days without a snapshot carry the previous day's size; before the first snapshot there is nothing.
 */
export interface SizeSnapshot {
  day: string;
  size: number;
}

export interface SegmentTrend {
  /** Size now minus the size 7 (30) days ago; null when there was no snapshot yet that day. */
  change7: number | null;
  change30: number | null;
  /** One size per day from 30 days ago to today (today is the current size), from the first known day. */
  sparkline: number[];
}

export const TREND_DAYS = 30;

/** The ISO day `days` before `day` (both YYYY-MM-DD, calendar arithmetic in UTC). */
export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

export function segmentTrend(sizeNow: number, snapshots: readonly SizeSnapshot[], today: string): SegmentTrend {
  const byDay = new Map(snapshots.map((snapshot) => [snapshot.day, snapshot.size]));
  const sorted = [...snapshots].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const sizeOn = (day: string): number | null => {
    let size: number | null = null;
    for (const snapshot of sorted) {
      if (snapshot.day > day) break;
      size = snapshot.size;
    }
    return size;
  };
  const sparkline: number[] = [];
  let carried: number | null = null;
  for (let ago = TREND_DAYS; ago >= 1; ago -= 1) {
    const day = daysBefore(today, ago);
    carried = byDay.get(day) ?? carried ?? sizeOn(day);
    if (carried !== null) sparkline.push(carried);
  }
  sparkline.push(sizeNow);
  const change = (days: number) => {
    const then = sizeOn(daysBefore(today, days));
    return then === null ? null : sizeNow - then;
  };
  return { change7: change(7), change30: change(TREND_DAYS), sparkline };
}

/** A part of a whole as a percentage with two decimals (exact integer arithmetic); null when the whole is 0. */
export function percentOf(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  return Number((part * 10000n) / whole) / 100;
}
