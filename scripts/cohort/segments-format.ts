import { SCORED_RFM_GROUPS } from "../../app/domain/segments/rfm-group-overrides.js";
import type { AvailableSegmentTemplate, SegmentTemplate } from "../../app/domain/segments/segment-templates.js";
import type { SegmentQueryError } from "../../app/domain/segments/segment-query-error.js";
import type { SegmentPreview } from "../../app/services/segments/ports.js";
import type { RfmGroupSettings } from "../../app/services/segments/rfm-group-settings.js";
import type { SegmentListing } from "../../app/services/segments/segment-catalog.js";
import type { ShopOverlaps } from "../../app/services/segments/segment-overlaps.js";

export function formatSegmentList(shop: string, listing: SegmentListing): string {
  const { segments, shopWarnings } = listing;
  if (segments.length === 0) return `${shop} has no segments yet (npm run cohort -- segment create … or --template …)`;
  const width = Math.max(...segments.map((segment) => segment.name.length));
  return [
    `Segments of ${shop}`,
    ...segments.flatMap((segment) => [
      `  ${segment.name.padEnd(width)}  ${segment.size.toLocaleString("en-US").padStart(9)} members  ${segment.query}`,
      ...segment.warnings.map((warning) => `  ${" ".repeat(width)}  warning: ${warning.message}`),
    ]),
    ...shopWarnings.map((warning) => `warning: ${warning.message}`),
  ].join("\n");
}

/** Each pair of segments: shared members, the share of each, and the Jaccard index. */
export function formatOverlaps(shop: string, overlaps: ShopOverlaps): string {
  if (overlaps.pairs.length === 0) return `${shop} has fewer than two segments: no overlap to show`;
  const nameOf = new Map(overlaps.segments.map((segment) => [segment.id, segment.name]));
  const pairs = [...overlaps.pairs].sort((a, b) => b.shared - a.shared || (b.jaccard ?? 0) - (a.jaccard ?? 0));
  return [
    `Overlap of the segments of ${shop} (shared members; Jaccard = shared / either)`,
    ...pairs.map((pair) => {
      // Each pair's names in alphabetical order, so a pair reads the same whatever the segments' ids.
      const sides = [
        { name: nameOf.get(pair.first) ?? pair.first, size: pair.firstSize },
        { name: nameOf.get(pair.second) ?? pair.second, size: pair.secondSize },
      ].sort((a, b) => a.name.localeCompare(b.name));
      return (
        `  ${sides[0]!.name} & ${sides[1]!.name}: ${pair.shared.toLocaleString("en-US")} shared (` +
        sides.map((side) => `${percent(pair.shared, side.size)} of ${side.size.toLocaleString("en-US")}`).join(", ") +
        `; Jaccard ${pair.jaccard === null ? "n/a" : pair.jaccard.toFixed(3)})`
      );
    }),
  ].join("\n");
}

/** Each error under the query, with a caret at its position and its hint. */
export function formatQueryErrors(query: string, errors: readonly SegmentQueryError[]): string {
  const lines = query.split("\n");
  return [
    "invalid segment query (nothing saved):",
    ...errors.flatMap((error) => [
      `  ${error.message} (line ${error.position.line}, column ${error.position.column}; ${error.code})`,
      `    ${lines[error.position.line - 1] ?? ""}`,
      `    ${" ".repeat(error.position.column)}^`,
      `    ${error.hint}`,
    ]),
  ].join("\n");
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0.0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

export function formatPreview(query: string, preview: SegmentPreview): string {
  const revenue = Number(preview.revenue);
  const shopRevenue = Number(preview.shopRevenue);
  return [
    `Preview of ${query}`,
    `  members: ${preview.size.toLocaleString("en-US")} of ${preview.population.toLocaleString("en-US")} customers (${percent(preview.size, preview.population)})`,
    `  revenue: ${preview.revenue} of ${preview.shopRevenue} (${percent(revenue, shopRevenue)})`,
    `  average order value: ${preview.averageOrderValue}`,
    `  sample: ${preview.sample.join(", ") || "none"}`,
  ].join("\n");
}

export function formatTemplates(templates: readonly SegmentTemplate[]): string {
  const parameters = (template: AvailableSegmentTemplate) =>
    template.parameters.map(
      (parameter) =>
        `--param ${parameter.name}=<${parameter.valueType}>${parameter.defaultValue ? ` (default ${parameter.defaultValue})` : ""}`,
    );
  return [
    "Segment templates (npm run cohort -- segment create <shop> <name> --template <id>):",
    ...templates.map((template) =>
      template.available
        ? `  ${template.id.padEnd(26)} ${template.query}${template.parameters.length ? `  ${parameters(template).join(" ")}` : ""}`
        : `  ${template.id.padEnd(26)} not available yet: ${template.reason}`,
    ),
  ].join("\n");
}

const range = (r: { min: number; max: number }) => (r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`);

/** Each group's rectangles, then the grid of recency (rows) by frequency+monetary (columns). */
export function formatRfmGroups(shop: string, settings: RfmGroupSettings): string {
  const { definitions, adjusted } = settings;
  const width = Math.max(...SCORED_RFM_GROUPS.map((name) => name.length));
  const groupOf = (recency: number, fm: number) =>
    SCORED_RFM_GROUPS.find((name) =>
      definitions[name].some(
        (rule) =>
          rule.recency.min <= recency &&
          recency <= rule.recency.max &&
          rule.frequencyMonetary.min <= fm &&
          fm <= rule.frequencyMonetary.max,
      ),
    ) ?? "?";
  const cell = (name: string) => name.slice(0, 6).padEnd(7);
  return [
    `RFM groups of ${shop} (${adjusted.length === 0 ? "the defaults" : `adjusted: ${adjusted.join(", ")}`})`,
    ...SCORED_RFM_GROUPS.map(
      (name) =>
        `  ${name.padEnd(width)}  ${
          definitions[name]
            .map((rule) => `recency ${range(rule.recency)}, frequency+monetary ${range(rule.frequencyMonetary)}`)
            .join("; ") || "nobody"
        }${adjusted.includes(name) ? "  (adjusted)" : ""}`,
    ),
    "  PROSPECTS: customers without orders",
    "",
    `  recency \\ F+M  ${[2, 3, 4, 5, 6, 7, 8, 9, 10].map((fm) => String(fm).padEnd(7)).join("")}`.trimEnd(),
    ...[5, 4, 3, 2, 1].map((recency) =>
      `  ${String(recency).padEnd(14)} ${[2, 3, 4, 5, 6, 7, 8, 9, 10].map((fm) => cell(groupOf(recency, fm))).join("")}`.trimEnd(),
    ),
  ].join("\n");
}
