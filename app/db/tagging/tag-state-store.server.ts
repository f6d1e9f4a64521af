import type { ConfirmedTagOrigin } from "../../domain/tagging/customer-tag-plan.js";
import { tagKey } from "../../domain/tagging/tag-key.js";
import type {
  CustomerTagInputs,
  PendingTagWork,
  SegmentTaggingRecord,
  TagAuditRow,
  TagCause,
  TagCauseOfChange,
  TagStateStore,
  TaggingState,
} from "../../services/tagging/ports.js";
import type { Database } from "../client.server.js";
import { Parameters, segmentDialectFor } from "../segments/segment-dialect.server.js";

/** Rows per statement where a list of ids is bound: under SQLite's and PostgreSQL's parameter limits. */
const IDS_PER_STATEMENT = 500;

/** Rows per multi-row statement: 7 parameters a row stays under SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;
const CONFIRMED_COLUMNS = `("shop", "customerId", "tagKey", "tag", "origin", "repairs", "confirmedAt")`;
/** A bulk push records up to BULK_PUSH_BATCH customers in one transaction. */
const RECORD_TRANSACTION = { maxWait: 10_000, timeout: 60_000 };

type Executor = Pick<Database, "$executeRawUnsafe">;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export function prismaTagStateStore(db: Database, databaseUrl: string): TagStateStore {
  const dialect = segmentDialectFor(databaseUrl);
  const T = dialect.table;

  /** One statement with the parameters `build` makes (numbered in text order, as SQLite's `?` are). */
  const run = (x: Executor, build: (p: Parameters) => string) => {
    const p = new Parameters(dialect);
    const sql = build(p);
    return x.$executeRawUnsafe(sql, ...p.values);
  };

  /** Upserts marks for the customers `source` selects (a SELECT of "customerId" using the same parameters). */
  async function mark(shop: string, why: TagCauseOfChange, now: Date, source: (p: Parameters) => string) {
    // Placeholders are numbered in the order they are made, which must be their order in the text (SQLite's `?`).
    const p = new Parameters(dialect);
    const head = `INSERT INTO ${T("TagPending")} ("shop", "customerId", "generation", "markedAt", "cause", "causeRef", "attempts")
      SELECT ${p.text(shop)}, c."customerId", 1, ${p.instant(now.toISOString())}, ${p.text(why.cause)},
        ${why.causeRef === null ? "NULL" : p.text(why.causeRef)}, 0`;
    const sql = `${head}
      FROM (${source(p)}) AS c WHERE true
      ON CONFLICT ("shop", "customerId") DO UPDATE SET "generation" = ${T("TagPending")}."generation" + 1,
        "markedAt" = excluded."markedAt", "cause" = excluded."cause", "causeRef" = excluded."causeRef",
        "attempts" = 0, "notBefore" = NULL`;
    return db.$executeRawUnsafe(sql, ...p.values);
  }

  return {
    async taggings(shop) {
      const rows = await db.segmentTagging.findMany({ where: { shop }, orderBy: { segmentId: "asc" } });
      return rows.map(taggingRecord);
    },

    async saveTagging(shop, tagging, now) {
      try {
        const row = await db.segmentTagging.upsert({
          where: { shop_segmentId: { shop, segmentId: tagging.segmentId } },
          create: { shop, ...tagging, updatedAt: now },
          update: {
            tag: tagging.tag,
            tagKey: tagging.tagKey,
            state: tagging.state,
            repair: tagging.repair,
            updatedAt: now,
          },
        });
        return taggingRecord(row);
      } catch (error) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },

    async markSegment(shop, segmentId, tags, why, now) {
      return mark(shop, why, now, (p) => {
        const members = `SELECT "customerId" FROM ${T("SegmentMember")} WHERE "shop" = ${p.text(shop)} AND "segmentId" = ${p.text(segmentId)}`;
        if (tags.length === 0) return members;
        const holders = `SELECT "customerId" FROM ${T("ConfirmedCustomerTag")} WHERE "shop" = ${p.text(shop)}`;
        return `${members} UNION ${holders} AND "tagKey" IN (${tags.map((tag) => p.text(tagKey(tag))).join(", ")})`;
      });
    },

    async markCustomers(shop, customerIds, why, now) {
      let marked = 0;
      for (const ids of chunks([...new Set(customerIds)], IDS_PER_STATEMENT)) {
        marked += await mark(shop, why, now, (p) =>
          ids.map((id) => `SELECT ${p.text(id)} AS "customerId"`).join(" UNION ALL "),
        );
      }
      return marked;
    },

    async customersOf(shop, segmentId, tags, afterId, limit) {
      const p = new Parameters(dialect);
      const after = (column: string) => (afterId === null ? "" : ` AND ${column} > ${p.text(afterId)}`);
      let sql = `SELECT "customerId" FROM ${T("SegmentMember")} WHERE "shop" = ${p.text(shop)} AND "segmentId" = ${p.text(segmentId)}${after('"customerId"')}`;
      if (tags.length > 0) {
        sql += ` UNION SELECT "customerId" FROM ${T("ConfirmedCustomerTag")} WHERE "shop" = ${p.text(shop)}${after('"customerId"')}`;
        sql += ` AND "tagKey" IN (${tags.map((tag) => p.text(tagKey(tag))).join(", ")})`;
      }
      sql += ` ORDER BY "customerId" LIMIT ${p.integer(limit)}`;
      const rows = await db.$queryRawUnsafe<Array<{ customerId: string }>>(sql, ...p.values);
      return rows.map((row) => row.customerId);
    },

    async markTagHolders(shop, customerIds, why, now) {
      let marked = 0;
      for (const ids of chunks([...new Set(customerIds)], IDS_PER_STATEMENT)) {
        marked += await mark(shop, why, now, (p) => {
          const shopParam = p.text(shop);
          return `SELECT DISTINCT "customerId" FROM ${T("ConfirmedCustomerTag")} WHERE "shop" = ${shopParam}
            AND "customerId" IN (${ids.map((id) => p.text(id)).join(", ")})`;
        });
      }
      return marked;
    },

    async takePending(shop, now, limit) {
      const rows = await db.tagPending.findMany({
        where: { shop, OR: [{ notBefore: null }, { notBefore: { lte: now } }] },
        orderBy: [{ markedAt: "asc" }, { customerId: "asc" }],
        take: limit,
      });
      return rows.map((row): PendingTagWork => ({
        customerId: row.customerId,
        generation: row.generation,
        cause: row.cause as TagCause,
        causeRef: row.causeRef,
        attempts: row.attempts,
      }));
    },

    async inputsFor(shop, customerIds, assume) {
      const stored = await db.segmentTagging.findMany({ where: { shop } });
      const taggings = assume
        ? [
            ...stored.filter((t) => t.segmentId !== assume.segmentId),
            { ...assume, repair: stored.find((t) => t.segmentId === assume.segmentId)?.repair ?? true },
          ]
        : stored;
      const segments = await db.segment.findMany({
        where: { shop, id: { in: taggings.map((t) => t.segmentId) } },
        select: { id: true, query: true },
      });
      const ruleOf = new Map(segments.map((s) => [s.id, s.query]));
      const on = taggings.filter((t) => t.state === "on");
      const paused = taggings.filter((t) => t.state === "paused").map((t) => t.tag);
      const noRepair = taggings.filter((t) => !t.repair).map((t) => t.tag);
      const out = new Map<string, CustomerTagInputs>();
      for (const ids of chunks(customerIds, IDS_PER_STATEMENT)) {
        const [members, confirmed, customers] = await Promise.all([
          db.segmentMember.findMany({
            where: { shop, customerId: { in: ids }, segmentId: { in: on.map((t) => t.segmentId) } },
            select: { customerId: true, segmentId: true },
          }),
          db.confirmedCustomerTag.findMany({ where: { shop, customerId: { in: ids } } }),
          db.syncedCustomer.findMany({
            where: { shop, id: { in: ids } },
            select: { id: true, tags: true, updatedAt: true, deletedAt: true },
          }),
        ]);
        const tagOf = new Map(on.map((t) => [t.segmentId, t.tag]));
        const customerOf = new Map(customers.map((c) => [c.id, c]));
        for (const id of ids) {
          const customer = customerOf.get(id);
          out.set(id, {
            desired: [],
            paused,
            noRepair,
            confirmed: [],
            shopifyTags: customer && customer.deletedAt === null ? (JSON.parse(customer.tags) as string[]) : null,
            shopifyTagsAt: customer ? customer.updatedAt.toISOString() : null,
            exists: customer !== undefined && customer.deletedAt === null,
          });
        }
        for (const member of members) {
          out.get(member.customerId)!.desired.push({
            tag: tagOf.get(member.segmentId)!,
            segmentId: member.segmentId,
            ruleText: ruleOf.get(member.segmentId) ?? "",
          });
        }
        for (const row of confirmed) {
          out.get(row.customerId)!.confirmed.push({
            tag: row.tag,
            origin: row.origin as ConfirmedTagOrigin,
            confirmedAt: row.confirmedAt.toISOString(),
            repairs: row.repairs,
          });
        }
      }
      return out;
    },

    async recordSending(shop, tags, now) {
      if (tags.length === 0) return;
      const at = now.toISOString();
      await db.$transaction(async (tx) => {
        for (const rows of chunks(tags, ROWS_PER_STATEMENT)) {
          await run(tx, (p) => {
            const values = rows.map(
              ({ customerId, tag }) =>
                `(${p.text(shop)}, ${p.text(customerId)}, ${p.text(tagKey(tag))}, ${p.text(tag)}, 'sending', 0, ${p.instant(at)})`,
            );
            return `INSERT INTO ${T("ConfirmedCustomerTag")} ${CONFIRMED_COLUMNS} VALUES ${values.join(", ")}
              ON CONFLICT ("shop", "customerId", "tagKey") DO NOTHING`;
          });
        }
      }, RECORD_TRANSACTION);
    },

    /**
     * Set-based, a statement per ROWS_PER_STATEMENT rows: a batch's drops, then its confirmations (a customer's
     * later confirmation of the same tag wins, as it would applied one by one), its audit, and its marks cleared
     * where the generation still matches; marks asked to retry are pushed back one by one (few).
     */
    async record(shop, records, now) {
      const at = now.toISOString();
      const drops = records.flatMap((r) => r.drop.map((tag) => ({ customerId: r.customerId, key: tagKey(tag) })));
      const confirms = new Map<string, { customerId: string; tag: string; origin: string; repairs: number }>();
      for (const r of records) {
        for (const c of r.confirm)
          confirms.set(`${r.customerId}\u0000${tagKey(c.tag)}`, { customerId: r.customerId, ...c });
      }
      const audit = records.flatMap((r) => r.audit.map((entry) => ({ shop, ...entry, at: now })));
      const cleared = records.filter((r) => r.retryAt === null);
      const retried = records.filter((r) => r.retryAt !== null);
      await db.$transaction(async (tx) => {
        for (const rows of chunks(drops, ROWS_PER_STATEMENT)) {
          await run(tx, (p) => {
            const shopParameter = p.text(shop);
            const keys = rows.map((row) => `(${p.text(row.customerId)}, ${p.text(row.key)})`);
            return `DELETE FROM ${T("ConfirmedCustomerTag")} WHERE "shop" = ${shopParameter}
              AND ("customerId", "tagKey") IN (VALUES ${keys.join(", ")})`;
          });
        }
        for (const rows of chunks([...confirms.values()], ROWS_PER_STATEMENT)) {
          await run(tx, (p) => {
            const values = rows.map(
              (c) =>
                `(${p.text(shop)}, ${p.text(c.customerId)}, ${p.text(tagKey(c.tag))}, ${p.text(c.tag)}, ${p.text(c.origin)}, ${p.integer(c.repairs)}, ${p.instant(at)})`,
            );
            return `INSERT INTO ${T("ConfirmedCustomerTag")} ${CONFIRMED_COLUMNS} VALUES ${values.join(", ")}
              ON CONFLICT ("shop", "customerId", "tagKey") DO UPDATE SET "tag" = excluded."tag",
                "origin" = excluded."origin", "repairs" = excluded."repairs", "confirmedAt" = excluded."confirmedAt"`;
          });
        }
        for (const rows of chunks(audit, ROWS_PER_STATEMENT)) await tx.tagChange.createMany({ data: rows });
        for (const rows of chunks(cleared, ROWS_PER_STATEMENT)) {
          await run(tx, (p) => {
            const shopParameter = p.text(shop);
            const keys = rows.map((r) => `(${p.text(r.customerId)}, ${p.integer(r.generation)})`);
            return `DELETE FROM ${T("TagPending")} WHERE "shop" = ${shopParameter}
              AND ("customerId", "generation") IN (VALUES ${keys.join(", ")})`;
          });
        }
        for (const r of retried) {
          await tx.tagPending.updateMany({
            where: { shop, customerId: r.customerId, generation: r.generation },
            data: { attempts: { increment: 1 }, notBefore: r.retryAt },
          });
        }
      }, RECORD_TRANSACTION);
    },

    async auditFor(shop, filter) {
      const rows = await db.tagChange.findMany({
        where: {
          shop,
          ...(filter.customerId === undefined ? {} : { customerId: filter.customerId }),
          ...(filter.segmentId === undefined ? {} : { segmentId: filter.segmentId }),
        },
        orderBy: [{ at: "desc" }, { id: "desc" }],
        take: filter.limit,
      });
      return rows.map((row): TagAuditRow => ({
        customerId: row.customerId,
        segmentId: row.segmentId,
        tag: row.tag,
        action: row.action as TagAuditRow["action"],
        ruleText: row.ruleText,
        cause: row.cause as TagCause,
        causeRef: row.causeRef,
        result: row.result as TagAuditRow["result"],
        message: row.message,
        at: row.at.toISOString(),
      }));
    },

    async pendingCount(shop) {
      return db.tagPending.count({ where: { shop } });
    },

    async purgeAudit(before) {
      // Chunked so a large purge never holds SQLite's write lock long enough to delay a webhook's acknowledgement.
      let deleted = 0;
      for (;;) {
        const ids = await db.tagChange.findMany({ where: { at: { lt: before } }, select: { id: true }, take: 5_000 });
        if (ids.length === 0) return deleted;
        deleted += (await db.tagChange.deleteMany({ where: { id: { in: ids.map((row) => row.id) } } })).count;
      }
    },
  };
}

function taggingRecord(row: {
  segmentId: string;
  tag: string;
  state: string;
  repair: boolean;
  updatedAt: Date;
}): SegmentTaggingRecord {
  return {
    segmentId: row.segmentId,
    tag: row.tag,
    state: row.state as TaggingState,
    repair: row.repair,
    updatedAt: row.updatedAt.toISOString(),
  };
}
