/** One delivery as the sender saw it: its event id, when it was sent (epoch ms), its latency and HTTP status. */
export interface Outcome {
  eventId: string;
  sentAt: number;
  ms: number;
  status: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Deliveries answered anything but 200 (0: the connection failed): Shopify retries each of them. */
  non200: number;
  statuses: Record<string, number>;
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latencySummary(outcomes: readonly Outcome[]): LatencySummary {
  const sorted = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const { status } of outcomes) statuses[status] = (statuses[status] ?? 0) + 1;
  const at = (p: number) => (sorted.length ? Number(percentile(sorted, p).toFixed(2)) : null);
  return {
    count: outcomes.length,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: at(100),
    non200: outcomes.filter((outcome) => outcome.status !== 200).length,
    statuses,
  };
}
