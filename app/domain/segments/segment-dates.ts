/**
 * Dates in segment queries are shop-local days, as in Shopify's editor, which counts whole days in the shop's time
 * zone. Given "now" and the shop's IANA time zone:
 *
 * - *today* is the calendar date of `now` in the shop's zone; `today` and `-0d` mean it, `yesterday` and `-1d` the
 *   day before;
 * - `-Nd` is the date N days before today, `-Nw` 7·N days before, `-Nm` N calendar months before (the day clamped to
 *   the month's last: 31 March −1m is 28/29 February), `-Ny` N calendar years before (29 February → 28 February);
 * - Shopify's named dates `7_days_ago`, `30_days_ago`, `90_days_ago`, `12_months_ago` are -7d, -30d, -90d, -12m;
 * - `2026-01-31` is that date; `2026-01-31T13:45:00` that wall-clock time;
 * - a date *resolves* to the instant its shop-local day starts (midnight; `resolveDate`), a date-time to its
 *   instant. A wall-clock time the zone skips (a DST gap) resolves to the first instant after the gap; one it repeats
 *   resolves to its first occurrence.
 *
 * A day-valued date covers [its midnight, the next day's midnight); comparisons use that span (dateSpan):
 * `d >= X` is d ≥ start, `d > X` is d ≥ end, `d < X` is d < start, `d <= X` is d < end, `d = X` is start ≤ d < end,
 * `d BETWEEN X AND Y` is start(X) ≤ d < end(Y). A date-time's span is one second. Only `Intl` is used, no library.
 */
import type { DateValue } from "./segment-tree.js";

const MS_PER_DAY = 86_400_000;

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

interface WallTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError for a zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function wallTimeAt(instantMs: number, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function wallTimeAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The calendar date of an instant in the shop's zone. */
export function shopLocalDate(instant: Date | string, timeZone: string): CalendarDate {
  const wall = wallTimeAt(new Date(instant).getTime(), timeZone);
  return { year: wall.year, month: wall.month, day: wall.day };
}

/** Minutes since the shop's local midnight at an instant (0–1439): when the shop's daily evaluation is due. */
export function shopLocalMinuteOfDay(instant: Date | string, timeZone: string): number {
  const wall = wallTimeAt(new Date(instant).getTime(), timeZone);
  return wall.hour * 60 + wall.minute;
}

/** The first instant whose shop-local wall-clock time is at or after `wall`. */
function instantOfWallTime(wall: WallTime, timeZone: string): Date {
  const target = wallTimeAsUtcMs(wall);
  const localMsAt = (instantMs: number): number => wallTimeAsUtcMs(wallTimeAt(instantMs, timeZone));
  // Offsets a day either side cover any transition near the target; real zones move by less than a day.
  const offsets = [target - MS_PER_DAY, target, target + MS_PER_DAY].map((probe) => localMsAt(probe) - probe);
  const candidates = [...new Set(offsets.map((offset) => target - offset))].sort((a, b) => a - b);
  const exact = candidates.find((candidate) => localMsAt(candidate) === target);
  if (exact !== undefined) return new Date(exact);
  // In a gap: search the first instant whose local time has passed the target.
  let low = candidates[0]! - MS_PER_DAY;
  let high = candidates[candidates.length - 1]! + MS_PER_DAY;
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (localMsAt(middle) >= target) high = middle;
    else low = middle;
  }
  return new Date(high);
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * MS_PER_DAY);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function addMonths(date: CalendarDate, months: number): CalendarDate {
  const monthIndex = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = (monthIndex % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { year, month, day: Math.min(date.day, lastDay) };
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / MS_PER_DAY,
  );
}

export function parseIsoDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const valid =
    check.getUTCFullYear() === date.year && check.getUTCMonth() + 1 === date.month && check.getUTCDate() === date.day;
  return valid ? date : null;
}

export function parseIsoTime(text: string): { hour: number; minute: number; second: number } | null {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return null;
  const time = { hour: Number(match[1]), minute: Number(match[2]), second: Number(match[3] ?? "0") };
  return time.hour < 24 && time.minute < 60 && time.second < 60 ? time : null;
}

/** The shop-local calendar date a date value names (a date-time's date part). */
export function calendarDateOf(value: DateValue, now: Date, timeZone: string): CalendarDate {
  const today = shopLocalDate(now, timeZone);
  switch (value.type) {
    case "dateKeyword":
      switch (value.keyword) {
        case "today":
          return today;
        case "yesterday":
          return addDays(today, -1);
        case "7_days_ago":
          return addDays(today, -7);
        case "30_days_ago":
          return addDays(today, -30);
        case "90_days_ago":
          return addDays(today, -90);
        case "12_months_ago":
          return addMonths(today, -12);
      }
      break;
    case "relativeDate":
      if (value.unit === "d") return addDays(today, -value.amount);
      if (value.unit === "w") return addDays(today, -7 * value.amount);
      return addMonths(today, value.unit === "m" ? -value.amount : -12 * value.amount);
    case "absoluteDate": {
      const date = parseIsoDate(value.date);
      if (date === null) throw new Error(`Not a date: ${value.date}`);
      return date;
    }
  }
}

/** The span a date value covers: its shop-local day, or one second for a date-time. */
export function dateSpan(value: DateValue, now: Date, timeZone: string): { start: Date; end: Date } {
  const date = calendarDateOf(value, now, timeZone);
  if (value.type === "absoluteDate" && value.time !== undefined) {
    const time = parseIsoTime(value.time);
    if (time === null) throw new Error(`Not a time: ${value.time}`);
    const start = instantOfWallTime({ ...date, ...time }, timeZone);
    return { start, end: new Date(start.getTime() + 1000) };
  }
  const midnight = { hour: 0, minute: 0, second: 0 };
  return {
    start: instantOfWallTime({ ...date, ...midnight }, timeZone),
    end: instantOfWallTime({ ...addDays(date, 1), ...midnight }, timeZone),
  };
}

/** The instant a date value resolves to: the start of its shop-local day, or the date-time's instant. */
export function resolveDate(value: DateValue, now: Date, timeZone: string): Date {
  return dateSpan(value, now, timeZone).start;
}
