/**
 * The discount's configuration: the JSON the app writes to the discount's metafield `$app:cohort.tag-discount`.
 *
 *   { "tags": ["cohort:vip", "VIP"], "percentage": 10, "message": "10% off for our VIPs" }
 *   { "tags": ["cohort:champions"], "fixedAmount": "5.00" }
 *
 * Its top-level `tags` is also the input queries' $tags variable (Shopify fills variables from the metafield's
 * top-level keys), so the tags hasAnyTag was asked about are exactly the ones checked here. The Function runs as
 * Wasm without zod: these are plain checks, and anything malformed means no discount.
 */

import type { Json } from "./types.js";

/** Shopify's limit on one tag (a longer one can be on no customer). */
export const MAX_TAG_LENGTH = 255;

export type ConfiguredValue = { kind: "percentage"; percentage: number } | { kind: "fixedAmount"; amount: number };

export interface TagDiscountConfiguration {
  tags: string[];
  value: ConfiguredValue;
  message: string | null;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A positive, finite amount given as a number or a decimal string ("5.00"); null otherwise. */
function positiveNumber(value: unknown): number | null {
  const number =
    typeof value === "number" ? value : typeof value === "string" && DECIMAL.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(number) && number > 0 ? number : null;
}

function tagsOf(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const tags: string[] = [];
  for (const tag of value) {
    // Shopify splits tags on commas, so a tag with one can be on no customer; a blank one is a mistake.
    if (typeof tag !== "string" || tag.trim() === "" || tag.length > MAX_TAG_LENGTH || tag.includes(",")) return null;
    tags.push(tag);
  }
  return tags;
}

function valueOf(config: Record<string, unknown>): ConfiguredValue | null {
  const hasPercentage = config.percentage !== undefined;
  const hasFixedAmount = config.fixedAmount !== undefined;
  if (hasPercentage === hasFixedAmount) return null;
  if (hasPercentage) {
    const percentage = positiveNumber(config.percentage);
    return percentage !== null && percentage <= 100 ? { kind: "percentage", percentage } : null;
  }
  const amount = positiveNumber(config.fixedAmount);
  return amount === null ? null : { kind: "fixedAmount", amount };
}

function messageOf(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return undefined;
  return value.trim() === "" ? null : value.trim();
}

/** The configuration, or null when it is missing or malformed in any way (then the discount gives nothing). */
export function parseConfiguration(json: Json): TagDiscountConfiguration | null {
  if (!isRecord(json)) return null;
  const tags = tagsOf(json.tags);
  const value = valueOf(json);
  const message = messageOf(json.message);
  if (tags === null || value === null || message === undefined) return null;
  return { tags, value, message };
}
