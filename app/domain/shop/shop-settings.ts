/**
 * A shop's own settings from the admin's Settings page, and the rules a value must follow. Each is optional in
 * storage: a shop that never chose one gets the default.
 */
import { MAX_TAG_LENGTH } from "../tagging/tag-limits.js";
import { SEGMENT_TAG_PREFIX } from "../tagging/segment-tag.js";

export const MINUTES_PER_DAY = 24 * 60;
/** The daily evaluation runs at the shop's local midnight unless the shop chose another time. */
export const DEFAULT_EVALUATION_MINUTE = 0;
/** A prefix leaves room for the segment's own part of the tag. */
export const MAX_TAG_PREFIX_LENGTH = 40;
/** Shopify's bulk mutation accepts up to 100 MB of JSONL: far past this many customers; a higher threshold is a typo. */
export const MAX_TAG_BULK_THRESHOLD = 1_000_000;

export interface ShopSettings {
  /** What every default segment tag starts with (`cohort:` → `cohort:vip`). */
  tagPrefix: string;
  /** Minutes after the shop's local midnight at which the daily evaluation runs. */
  evaluationMinute: number;
  /** From this many customers in one push on, tags go through a bulk mutation; null: the app's default. */
  tagBulkThreshold: number | null;
}

/** What the database holds: null where the shop kept the default. */
export interface StoredShopSettings {
  tagPrefix: string | null;
  evaluationMinute: number | null;
  tagBulkThreshold: number | null;
}

export const NO_STORED_SETTINGS: StoredShopSettings = {
  tagPrefix: null,
  evaluationMinute: null,
  tagBulkThreshold: null,
};

export function shopSettingsOf(stored: StoredShopSettings): ShopSettings {
  return {
    tagPrefix: stored.tagPrefix ?? SEGMENT_TAG_PREFIX,
    evaluationMinute: stored.evaluationMinute ?? DEFAULT_EVALUATION_MINUTE,
    tagBulkThreshold: stored.tagBulkThreshold,
  };
}

export type SettingCheck<T> = { ok: true; value: T } | { ok: false; message: string };

/** A tag prefix must make tags Shopify accepts: no comma, no control character, short enough to leave room. */
export function checkTagPrefix(raw: string): SettingCheck<string> {
  const prefix = raw.normalize("NFC").replace(/^\s+/u, "").replace(/\s+/gu, " ");
  if (prefix.trim().length === 0) return { ok: false, message: "The prefix cannot be empty." };
  if (prefix.includes(","))
    return { ok: false, message: "A prefix cannot contain a comma: Shopify splits tags on commas." };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\u0000-\u001f\u007f]/u.test(prefix))
    return { ok: false, message: "A prefix cannot contain control characters." };
  const length = [...prefix].length;
  if (length > MAX_TAG_PREFIX_LENGTH || length >= MAX_TAG_LENGTH) {
    return { ok: false, message: `A prefix has at most ${MAX_TAG_PREFIX_LENGTH} characters; this one has ${length}.` };
  }
  return { ok: true, value: prefix };
}

/** `HH:MM` (24-hour) → minutes after midnight. */
export function parseEvaluationTime(text: string): SettingCheck<number> {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) return { ok: false, message: "Enter a time as HH:MM, from 00:00 to 23:59." };
  return { ok: true, value: Number(match[1]) * 60 + Number(match[2]) };
}

export function formatEvaluationTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

export function checkTagBulkThreshold(value: number): SettingCheck<number> {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TAG_BULK_THRESHOLD) {
    return { ok: false, message: `Enter a whole number from 1 to ${MAX_TAG_BULK_THRESHOLD.toLocaleString("en-US")}.` };
  }
  return { ok: true, value };
}

/**
 * Whether the daily evaluation is due: not yet run today (shop-local), and the shop's chosen time has come. A shop
 * whose last run is older than yesterday is due at once, so a worker that slept through the chosen minute (or a
 * time of 23:59 between two of its runs) never skips a whole day.
 */
export function dailyEvaluationDue(input: {
  lastDay: string | null;
  today: string;
  yesterday: string;
  minuteOfDay: number;
  evaluationMinute: number;
}): boolean {
  if (input.lastDay === input.today) return false;
  if (input.lastDay === null || input.lastDay < input.yesterday) return true;
  return input.minuteOfDay >= input.evaluationMinute;
}

/** The calendar day before `YYYY-MM-DD`. */
export function previousDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date - 1)).toISOString().slice(0, 10);
}
