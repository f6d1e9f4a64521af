import type { AvailableSegmentTemplate, SegmentTemplate } from "../../app/domain/segments/segment-templates.js";
import type { SegmentQueryError } from "../../app/domain/segments/segment-query-error.js";
import type { SegmentPreview } from "../../app/services/segments/ports.js";
import type { ListedSegment } from "../../app/services/segments/segment-catalog.js";

export function formatSegmentList(shop: string, segments: readonly ListedSegment[]): string {
  if (segments.length === 0) return `${shop} has no segments yet (npm run cohort -- segment create … or --template …)`;
  const width = Math.max(...segments.map((segment) => segment.name.length));
  return [
    `Segments of ${shop}`,
    ...segments.map(
      (segment) =>
        `  ${segment.name.padEnd(width)}  ${segment.size.toLocaleString("en-US").padStart(9)} members  ${segment.query}`,
    ),
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
