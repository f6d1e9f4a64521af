import type { TagAuditRow } from "../../app/services/tagging/ports.js";
import type { TagDryRun } from "../../app/services/tagging/tag-dry-run.js";
import type { shopTaggings } from "../../app/background/tagging.server.js";

type ShopTaggings = Awaited<ReturnType<typeof shopTaggings>>;

export function formatTaggings(shop: string, { taggings, pending }: ShopTaggings): string {
  if (taggings.length === 0) return `${shop}: no segment has a tag yet`;
  const rows = taggings.map(
    (t) =>
      `  ${(t.segmentName ?? `(deleted ${t.segmentId})`).padEnd(28)} ${t.tag.padEnd(28)} ${t.state.padEnd(7)} repair ${t.repair ? "on" : "off"}`,
  );
  return [`${shop}: ${taggings.length} segment tags, ${pending} customers waiting for a push`, ...rows].join("\n");
}

export function formatDryRun(segment: string, run: TagDryRun): string {
  const sample = (ids: string[]) => (ids.length === 0 ? "" : ` (e.g. ${ids.slice(0, 5).join(", ")})`);
  return [
    `${segment} → tag "${run.tag}", if tagging were on now:`,
    `  add to ${run.adds} customers${sample(run.addSample)}`,
    `  remove from ${run.removes} customers${sample(run.removeSample)}`,
    `  ${run.alreadyTagged} members already carry it on their own (left alone, never removed)`,
    ...(run.refused > 0 ? [`  ${run.refused} members are at Shopify's 250-tag limit (would be refused)`] : []),
  ].join("\n");
}

export function formatTagHistory(subject: string, rows: TagAuditRow[]): string {
  if (rows.length === 0) return `${subject}: no tag changes recorded`;
  return [
    `${subject}: latest tag changes first`,
    ...rows.map((r) => {
      const cause = r.causeRef ? `${r.cause} ${r.causeRef}` : r.cause;
      const rule = r.ruleText ? ` — rule: ${r.ruleText}` : "";
      const message = r.message ? ` — ${r.message}` : "";
      return `  ${r.at}  ${r.action.padEnd(7)} ${r.tag}  customer ${r.customerId}  ${r.result} (${cause})${rule}${message}`;
    }),
  ].join("\n");
}
