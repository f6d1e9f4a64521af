import type { Database } from "../../app/db/client.server.js";

export interface InboxOutcome {
  applied: number;
  rejected: number;
  pending: number;
  missing: number;
}

/** What the inbox made of the deliveries a benchmark sent: applied, rejected (or dead-lettered), pending, never recorded. */
export async function inboxOutcome(
  db: Pick<Database, "webhookEvent">,
  shop: string,
  eventIds: readonly string[],
): Promise<InboxOutcome> {
  const counts: InboxOutcome = { applied: 0, rejected: 0, pending: 0, missing: 0 };
  for (let start = 0; start < eventIds.length; start += 500) {
    const part = eventIds.slice(start, start + 500);
    const rows = await db.webhookEvent.findMany({
      where: { shop, eventId: { in: part } },
      select: { processedAt: true, error: true },
    });
    for (const row of rows) {
      if (row.processedAt === null) counts.pending += 1;
      else if (row.error === null) counts.applied += 1;
      else counts.rejected += 1;
    }
    counts.missing += part.length - rows.length;
  }
  return counts;
}
