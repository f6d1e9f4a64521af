import { SegmentTreeSchema, type SegmentTree } from "../../domain/segments/segment-tree.js";
import type { SegmentRecord, SegmentRepository } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";

type SegmentRow = Awaited<ReturnType<Database["segment"]["findMany"]>>[number];

/**
 * Trees already checked, by their stored text: the webhook path lists the shop's segments for every customer, and
 * checking 20 trees again each time cost more than the evaluation's own read. Bounded; trees are never mutated.
 */
const checkedTrees = new Map<string, SegmentTree>();
const CHECKED_TREES_KEPT = 2000;

function checkedTree(stored: string): SegmentTree {
  const known = checkedTrees.get(stored);
  if (known !== undefined) return known;
  const tree = SegmentTreeSchema.parse(JSON.parse(stored));
  if (checkedTrees.size >= CHECKED_TREES_KEPT) checkedTrees.clear();
  checkedTrees.set(stored, tree);
  return tree;
}

function record(row: SegmentRow): SegmentRecord {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    // Stored by this repository from a validated tree; checked again so a hand-edited row fails here, not in SQL.
    tree: checkedTree(row.tree),
    buffer: row.buffer,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export function prismaSegmentRepository(db: Database): SegmentRepository {
  return {
    async create(shop, segment, now) {
      const existing = await db.segment.findUnique({ where: { shop_name: { shop, name: segment.name } } });
      if (existing) return null;
      try {
        const row = await db.segment.create({
          data: {
            shop,
            name: segment.name,
            query: segment.query,
            tree: JSON.stringify(segment.tree),
            buffer: segment.buffer ?? null,
            createdAt: now,
            updatedAt: now,
          },
        });
        return record(row);
      } catch (error) {
        // Another request created the name between the read and the write.
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },

    async list(shop) {
      const rows = await db.segment.findMany({ where: { shop }, orderBy: [{ name: "asc" }, { id: "asc" }] });
      return rows.map(record);
    },

    async sizes(shop) {
      const groups = await db.segmentMember.groupBy({ by: ["segmentId"], where: { shop }, _count: { _all: true } });
      return new Map(groups.map((group) => [group.segmentId, group._count._all]));
    },

    async get(shop, nameOrId) {
      const row =
        (await db.segment.findUnique({ where: { shop_name: { shop, name: nameOrId } } })) ??
        (await db.segment.findUnique({ where: { shop_id: { shop, id: nameOrId } } }));
      return row ? record(row) : null;
    },

    async getById(shop, id) {
      const row = await db.segment.findUnique({ where: { shop_id: { shop, id } } });
      return row ? record(row) : null;
    },

    async rename(shop, segmentId, name, now) {
      const holder = await db.segment.findUnique({ where: { shop_name: { shop, name } }, select: { id: true } });
      if (holder && holder.id !== segmentId) return "taken";
      try {
        const { count } = await db.segment.updateMany({
          where: { shop, id: segmentId },
          data: { name, updatedAt: now },
        });
        if (count === 0) return "missing";
      } catch (error) {
        // Another request took the name between the read and the write.
        if (isUniqueViolation(error)) return "taken";
        throw error;
      }
      const row = await db.segment.findUnique({ where: { shop_id: { shop, id: segmentId } } });
      return row ? record(row) : "missing";
    },

    async replaceQuery(shop, segmentId, definition, now) {
      const { count } = await db.segment.updateMany({
        where: { shop, id: segmentId },
        data: { query: definition.query, tree: JSON.stringify(definition.tree), updatedAt: now },
      });
      if (count === 0) return null;
      const row = await db.segment.findUnique({ where: { shop_id: { shop, id: segmentId } } });
      return row ? record(row) : null;
    },
  };
}
