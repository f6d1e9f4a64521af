/**
 * Customer segments as the Admin API manages them: segmentCreate / segmentUpdate / segmentDelete, `segment(id:)`,
 * `segments`, `segmentsCount`. Rules and wording from the captures (../shared/shopify-captures, segments domain):
 * names up to 255 characters, queries up to 5000, 6000 segments per shop, a taken name gets the next " (n)" suffix,
 * a failing name skips the query's grammar check, and an update with nothing to change is refused.
 */
import { GraphQLError } from "graphql";
import type { FieldResolver, ResolverContext } from "../schema.js";
import { parseGid, toGid } from "../../store/types.js";
import { listConnection, type ConnectionArgs } from "./connection.js";
import { dateTime } from "./format.js";
import { formatSegmentQueryError, validateSegmentQuery } from "./segment-query.js";

export const MAX_SEGMENT_NAME_LENGTH = 255;
export const MAX_SEGMENT_QUERY_LENGTH = 5000;
export const MAX_SEGMENTS_PER_SHOP = 6000;

export interface SegmentRecord {
  id: number;
  name: string;
  query: string;
  createdAt: string;
  updatedAt: string;
}

interface UserError {
  __typename: "UserError";
  field: string[] | null;
  message: string;
}

const userError = (field: string[] | null, message: string): UserError => ({ __typename: "UserError", field, message });

export function listSegments(ctx: ResolverContext): SegmentRecord[] {
  return (
    ctx.emulator.store.prepare("SELECT data FROM segments WHERE shop_id = ? ORDER BY id").all(ctx.shop.id) as {
      data: string;
    }[]
  ).map((row) => JSON.parse(row.data) as SegmentRecord);
}

export function getSegment(ctx: ResolverContext, id: number): SegmentRecord | null {
  const row = ctx.emulator.store
    .prepare("SELECT data FROM segments WHERE shop_id = ? AND id = ?")
    .get(ctx.shop.id, id) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as SegmentRecord) : null;
}

function putSegment(ctx: ResolverContext, segment: SegmentRecord): void {
  ctx.emulator.store
    .prepare("INSERT OR REPLACE INTO segments (shop_id, id, name, data) VALUES (?, ?, ?, ?)")
    .run(ctx.shop.id, segment.id, segment.name, JSON.stringify(segment));
}

export function segmentNode(segment: SegmentRecord) {
  return {
    __typename: "Segment",
    id: toGid("Segment", segment.id),
    name: segment.name,
    query: segment.query,
    creationDate: dateTime(segment.createdAt),
    lastEditDate: dateTime(segment.updatedAt),
  };
}

function nameTaken(ctx: ResolverContext, name: string, except?: number): boolean {
  const row = ctx.emulator.store
    .prepare("SELECT id FROM segments WHERE shop_id = ? AND name = ? AND id != ?")
    .get(ctx.shop.id, name, except ?? -1);
  return row !== undefined;
}

/** A taken name takes the next free counter: "X (1)" → "X (2)", "X" → "X (1)" (captured for "(0)" and "(1)"). */
function freeName(ctx: ResolverContext, name: string, except?: number): string {
  if (!nameTaken(ctx, name, except)) return name;
  const match = /^(.*) \((\d+)\)$/.exec(name);
  const base = match ? match[1]! : name;
  let counter = match ? Number(match[2]) : 0;
  let candidate: string;
  do {
    counter += 1;
    candidate = `${base} (${counter})`;
  } while (nameTaken(ctx, candidate, except));
  return candidate;
}

function nameErrors(name: string): UserError[] {
  if (name.trim() === "") return [userError(["name"], "Name can't be blank")];
  if (name.length > MAX_SEGMENT_NAME_LENGTH)
    return [userError(["name"], `Name is too long (maximum is ${MAX_SEGMENT_NAME_LENGTH} characters)`)];
  return [];
}

function queryErrors(query: string, checkGrammar: boolean): UserError[] {
  if (query.trim() === "") return [userError(["query"], "Query can't be blank")];
  if (query.length > MAX_SEGMENT_QUERY_LENGTH)
    return [userError(["query"], `Query is too long (maximum is ${MAX_SEGMENT_QUERY_LENGTH} characters)`)];
  if (!checkGrammar) return [];
  return validateSegmentQuery(query).map((error) => userError(["query"], `Query ${formatSegmentQueryError(error)}`));
}

/** A wrong-type global id: Shopify fails the field itself, not the payload. */
function segmentIdOf(id: unknown): number {
  const gid = parseGid(String(id));
  if (!gid || gid.type !== "Segment")
    throw new GraphQLError("invalid id", { extensions: { code: "RESOURCE_NOT_FOUND" } });
  return gid.id;
}

const segmentCreate: FieldResolver = (args, ctx) => {
  // Names are trimmed before their length is checked (captured: a 255+ padded name is accepted, trimmed).
  const name = String(args.name ?? "").trim();
  const query = String(args.query ?? "");
  const failedName = nameErrors(name);
  const errors = [...failedName, ...queryErrors(query, failedName.length === 0)];
  const payload = (segment: SegmentRecord | null, userErrors: UserError[]) => ({
    __typename: "SegmentCreatePayload",
    segment: segment ? segmentNode(segment) : null,
    userErrors,
  });
  if (errors.length > 0) return payload(null, errors);
  if (listSegments(ctx).length >= MAX_SEGMENTS_PER_SHOP)
    return payload(null, [userError(null, "Segment limit reached. Delete an existing segment to create more.")]);
  const now = ctx.emulator.store.nowIso();
  const segment: SegmentRecord = {
    id: ctx.emulator.store.nextId(),
    name: freeName(ctx, name),
    query,
    createdAt: now,
    updatedAt: now,
  };
  putSegment(ctx, segment);
  return payload(segment, []);
};

const segmentUpdate: FieldResolver = (args, ctx) => {
  const id = segmentIdOf(args.id);
  const payload = (segment: SegmentRecord | null, userErrors: UserError[]) => ({
    __typename: "SegmentUpdatePayload",
    segment: segment ? segmentNode(segment) : null,
    userErrors,
  });
  const existing = getSegment(ctx, id);
  if (!existing) return payload(null, [userError(["id"], "Segment does not exist")]);
  const name = typeof args.name === "string" ? args.name.trim() : null;
  const query = typeof args.query === "string" ? args.query : null;
  if (name === null && query === null)
    return payload(null, [userError(null, "At least one attribute to change must be present")]);
  const failedName = name === null ? [] : nameErrors(name);
  const errors = [...failedName, ...(query === null ? [] : queryErrors(query, failedName.length === 0))];
  if (errors.length > 0) return payload(null, errors);
  const updated: SegmentRecord = {
    ...existing,
    name: name === null ? existing.name : freeName(ctx, name, id),
    query: query ?? existing.query,
    updatedAt: ctx.emulator.store.nowIso(),
  };
  putSegment(ctx, updated);
  return payload(updated, []);
};

const segmentDelete: FieldResolver = (args, ctx) => {
  const id = segmentIdOf(args.id);
  if (!getSegment(ctx, id)) {
    return {
      __typename: "SegmentDeletePayload",
      deletedSegmentId: null,
      userErrors: [userError(["id"], "Segment does not exist")],
    };
  }
  ctx.emulator.store.prepare("DELETE FROM segments WHERE shop_id = ? AND id = ?").run(ctx.shop.id, id);
  return { __typename: "SegmentDeletePayload", deletedSegmentId: toGid("Segment", id), userErrors: [] };
};

export function segmentQueryResolvers(): Record<string, FieldResolver> {
  return {
    segment: (args, ctx) => {
      const gid = parseGid(String(args.id));
      const segment = gid?.type === "Segment" ? getSegment(ctx, gid.id) : null;
      if (!segment) throw new GraphQLError("Segment does not exist", { extensions: { code: "NOT_FOUND" } });
      return segmentNode(segment);
    },
    segments: (args, ctx) =>
      listConnection(
        "SegmentConnection",
        listSegments(ctx).map((segment) => ({ id: segment.id, node: segmentNode(segment) })),
        args as ConnectionArgs,
      ),
    segmentsCount: (_args, ctx) => ({ __typename: "Count", count: listSegments(ctx).length, precision: "EXACT" }),
  };
}

export function segmentMutationResolvers(): Record<string, FieldResolver> {
  return { segmentCreate, segmentUpdate, segmentDelete };
}
