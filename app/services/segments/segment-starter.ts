import { fillSegmentTemplate, SEGMENT_TEMPLATES, type AvailableSegmentTemplate } from "../../domain/segments/segment-templates.js";
import { defineSegment, type DefinedSegment } from "./segment-definition.js";
import type { SegmentEvaluationDeps } from "./segment-evaluation.js";
import type { EvaluationSettings } from "./ports.js";

/** How many templates a new shop picks to start with. */
export const STARTER_TEMPLATE_COUNT = 3;

/** The templates a new shop may start from: available ones whose parameters all have defaults. */
export function starterTemplates(): AvailableSegmentTemplate[] {
  return SEGMENT_TEMPLATES.filter(
    (template): template is AvailableSegmentTemplate =>
      template.available && template.parameters.every((parameter) => parameter.defaultValue !== undefined),
  );
}

export class UnknownStarterTemplateError extends Error {
  constructor(readonly templateId: string) {
    super(`No starter template ${templateId}`);
    this.name = "UnknownStarterTemplateError";
  }
}

/**
 * A shop's first segments, one per chosen template (named as the template, its defaults filled in), each given its
 * members at once. Unknown ids are refused before anything is saved.
 */
export async function startFromTemplates(
  deps: SegmentEvaluationDeps,
  shop: string,
  templateIds: readonly string[],
  settings: EvaluationSettings,
): Promise<DefinedSegment[]> {
  const offered = starterTemplates();
  const chosen = templateIds.map((id) => {
    const template = offered.find((candidate) => candidate.id === id);
    if (template === undefined) throw new UnknownStarterTemplateError(id);
    return template;
  });
  const defined: DefinedSegment[] = [];
  for (const template of chosen) {
    defined.push(await defineSegment(deps, shop, { name: template.name, query: fillSegmentTemplate(template) }, settings));
  }
  return defined;
}
