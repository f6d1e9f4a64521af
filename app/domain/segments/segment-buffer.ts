/**
 * A segment's buffer (hysteresis), so that customers near a threshold do not flip in and out: a member stays while
 * a looser rule holds (`stayWhile`: enter at `amount_spent >= 500`, stay while `amount_spent >= 450`), and/or leaves
 * only after `leaveAfterDays` days continuously outside (SegmentMember.outsideSince records since when). Stored as
 * JSON in Segment.buffer; `nextMembership` is the one rule the reference evaluator and both SQL paths follow.
 */
import { z } from "zod";
import { SegmentTreeSchema, type SegmentTree } from "./segment-tree.js";

export const MAX_LEAVE_AFTER_DAYS = 3650;
const DAY_MS = 86_400_000;

export const SegmentBufferSchema = z
  .object({
    /** The looser rule a member stays in the segment while it holds (as typed, and its tree). */
    stayWhile: z.object({ query: z.string(), tree: SegmentTreeSchema }).strict().optional(),
    /** Days a member must be continuously outside before it leaves (0 or absent: it leaves at once). */
    leaveAfterDays: z.number().int().min(0).max(MAX_LEAVE_AFTER_DAYS).optional(),
  })
  .strict();

export interface SegmentBuffer {
  stayWhile?: { query: string; tree: SegmentTree };
  leaveAfterDays?: number;
}

/** The buffer stored with a segment (null: none); a stored value that does not parse is an error, not ignored. */
export function parseSegmentBuffer(stored: string | null | undefined): SegmentBuffer | null {
  if (stored === null || stored === undefined) return null;
  const buffer = SegmentBufferSchema.parse(JSON.parse(stored)) as SegmentBuffer;
  return buffer.stayWhile === undefined && !buffer.leaveAfterDays ? null : buffer;
}

export function serializeSegmentBuffer(buffer: SegmentBuffer | null): string | null {
  if (buffer === null || (buffer.stayWhile === undefined && !buffer.leaveAfterDays)) return null;
  return JSON.stringify(buffer);
}

export interface MembershipState {
  member: boolean;
  /** Since when a member has been outside (kept only while it stays a member because of leaveAfterDays). */
  outsideSince: Date | null;
}

/**
 * One customer's next membership of one segment. A non-member enters exactly when the entry rule matches. A member
 * is inside while the entry rule or the stay rule matches (without a stay rule, pass the entry rule's answer), and
 * then stays with no time outside. Outside, it leaves at once without `leaveAfterDays`; with it, it stays, counting
 * from `outsideSince` (now when it just stepped out), until `leaveAfterDays` whole days have passed.
 */
export function nextMembership(
  current: boolean,
  matchesEnter: boolean,
  matchesStay: boolean,
  outsideSince: Date | null,
  now: Date,
  leaveAfterDays: number | null,
): MembershipState {
  if (!current) return { member: matchesEnter, outsideSince: null };
  if (matchesEnter || matchesStay) return { member: true, outsideSince: null };
  if (leaveAfterDays === null || leaveAfterDays <= 0) return { member: false, outsideSince: null };
  const since = outsideSince ?? now;
  if (now.getTime() - since.getTime() >= leaveAfterDays * DAY_MS) return { member: false, outsideSince: null };
  return { member: true, outsideSince: since };
}

/** The instant at or before which a member outside since then has been out `leaveAfterDays` days by `now`. */
export function leaveCutoff(now: Date, leaveAfterDays: number): Date {
  return new Date(now.getTime() - leaveAfterDays * DAY_MS);
}
