/**
 * A merchant's adjustments of the named RFM groups' score ranges (rfm-groups.ts has the defaults and the grid).
 * Overrides are validated as data (zod): each named group gets a list of rectangles over the recency score (1–5)
 * and the combined frequency + monetary score (2–10), and the defaults with the overrides applied must still
 * partition the grid, so every customer with orders stays in exactly one group. A group given no rectangles holds
 * nobody (its cells must then belong to other groups). PROSPECTS (customers without orders) is not adjustable.
 */
import { z } from "zod";
import {
  DEFAULT_RFM_GROUPS,
  FREQUENCY_MONETARY_SCORES,
  RECENCY_SCORES,
  rfmGroupProblems,
  type RfmGroupDefinitions,
  type RfmGroupOverrides,
  type RfmGroupRule,
  type ScoredRfmGroupName,
} from "./rfm-groups.js";
import { RFM_GROUP_NAMES } from "./segment-enums.js";

export const SCORED_RFM_GROUPS = RFM_GROUP_NAMES.filter((name) => name !== "PROSPECTS") as ScoredRfmGroupName[];

function rangeSchema(bounds: { min: number; max: number }, what: string) {
  const score = z
    .number({ invalid_type_error: `${what} bounds are whole numbers` })
    .int(`${what} bounds are whole numbers`)
    .min(bounds.min, `${what} runs from ${bounds.min} to ${bounds.max}`)
    .max(bounds.max, `${what} runs from ${bounds.min} to ${bounds.max}`);
  return z
    .object({ min: score, max: score })
    .strict()
    .refine((range) => range.min <= range.max, { message: `${what}: min is above max` });
}

export const RfmGroupRuleSchema = z
  .object({
    recency: rangeSchema(RECENCY_SCORES, "recency"),
    frequencyMonetary: rangeSchema(FREQUENCY_MONETARY_SCORES, "frequency+monetary"),
  })
  .strict();

export const RfmGroupRulesSchema = z.array(RfmGroupRuleSchema).max(45);

export const RfmGroupOverridesSchema = z
  .object(
    Object.fromEntries(SCORED_RFM_GROUPS.map((name) => [name, RfmGroupRulesSchema.optional()])) as Record<
      ScoredRfmGroupName,
      z.ZodOptional<typeof RfmGroupRulesSchema>
    >,
  )
  .strict();

export type RfmGroupOverridesCheck =
  { ok: true; overrides: RfmGroupOverrides; definitions: RfmGroupDefinitions } | { ok: false; problems: string[] };

function withoutUndefined(overrides: Partial<Record<ScoredRfmGroupName, RfmGroupRule[] | undefined>>) {
  return Object.fromEntries(Object.entries(overrides).filter(([, rules]) => rules !== undefined)) as RfmGroupOverrides;
}

/** Validates overrides (e.g. stored JSON or a merchant's input): their shape, then that they partition the grid. */
export function checkRfmGroupOverrides(input: unknown): RfmGroupOverridesCheck {
  const parsed = RfmGroupOverridesSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown RFM group ${issue.keys.join(", ")} (groups: ${SCORED_RFM_GROUPS.join(", ")})`
          : `${issue.path.join(".") || "overrides"}: ${issue.message}`,
      ),
    };
  }
  const overrides = withoutUndefined(parsed.data);
  const definitions = { ...DEFAULT_RFM_GROUPS, ...overrides };
  const problems = rfmGroupProblems(definitions);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, overrides, definitions };
}

/** A group's name as a merchant may type it ("needs attention", "At-risk"), or null when there is none such. */
export function rfmGroupNamed(input: string): ScoredRfmGroupName | null {
  const name = input
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "_");
  return (SCORED_RFM_GROUPS as string[]).includes(name) ? (name as ScoredRfmGroupName) : null;
}

/** Overrides without the groups that merely restate a default (so a reset group is not stored). */
export function essentialOverrides(overrides: RfmGroupOverrides): RfmGroupOverrides {
  const same = (a: readonly RfmGroupRule[], b: readonly RfmGroupRule[]) => JSON.stringify(a) === JSON.stringify(b);
  return Object.fromEntries(
    Object.entries(overrides).filter(([name, rules]) => !same(rules, DEFAULT_RFM_GROUPS[name as ScoredRfmGroupName])),
  ) as RfmGroupOverrides;
}

/** `4-5` or `5` as a score range. */
export function scoreRangeFromText(text: string): { min: number; max: number } | null {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!match) return null;
  const min = Number(match[1]);
  return { min, max: match[2] === undefined ? min : Number(match[2]) };
}
