/**
 * What `/api/customers/<id>/segments` answers (app/services/customer-block/customer-block-summary.ts), checked with
 * plain code: the block ships without zod, and an answer of any other shape is shown as an error, not half-drawn.
 */
export interface CustomerSegmentsSummary {
  customerId: string;
  known: boolean;
  segments: Array<{ id: string; name: string; enteredAt: string }>;
  rfm: { recency: number; frequency: number; monetary: number; group: string } | null;
  spendPercentile: number | null;
  scoredAt: string | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isScore = (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5;

function isSegment(value: unknown): value is CustomerSegmentsSummary["segments"][number] {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.name === "string" &&
    typeof value.enteredAt === "string"
  );
}

function isRfm(value: unknown): value is NonNullable<CustomerSegmentsSummary["rfm"]> {
  return (
    isRecord(value) &&
    isScore(value.recency) &&
    isScore(value.frequency) &&
    isScore(value.monetary) &&
    typeof value.group === "string"
  );
}

export function parseSummary(json: unknown): CustomerSegmentsSummary | null {
  if (!isRecord(json)) return null;
  const { customerId, known, segments, rfm, spendPercentile, scoredAt } = json;
  if (typeof customerId !== "string" || typeof known !== "boolean") return null;
  if (!Array.isArray(segments) || !segments.every(isSegment)) return null;
  if (rfm !== null && !isRfm(rfm)) return null;
  if (spendPercentile !== null && !(Number.isInteger(spendPercentile) && typeof spendPercentile === "number"))
    return null;
  if (scoredAt !== null && typeof scoredAt !== "string") return null;
  return { customerId, known, segments, rfm, spendPercentile, scoredAt };
}
