import type { CauseOfChange, SegmentDeletion } from "../../services/segments/ports.js";
import type { Database } from "../client.server.js";
import { Parameters, segmentDialectFor } from "./segment-dialect.server.js";

type Executor = Pick<Database, "$executeRawUnsafe">;

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 };
const EVENT_COLUMNS = `("shop", "segmentId", "customerId", "change", "at", "cause", "causeRef")`;

/**
 * A segment's members leave in set-based statements, `limit` at a time (in customer id order), each batch with its
 * exit events; the segment row goes last, with whatever members a concurrent evaluation added meanwhile.
 */
export function prismaSegmentDeletion(db: Database, databaseUrl: string): SegmentDeletion {
  const dialect = segmentDialectFor(databaseUrl);
  const T = dialect.table;

  /** Members of the segment leave (all, or the first `limit` by customer id); how many. */
  async function exit(
    x: Executor,
    shop: string,
    segmentId: string,
    cause: CauseOfChange,
    now: Date,
    limit: number | null,
  ): Promise<number> {
    const chosen = (p: Parameters) =>
      `SELECT sm."customerId" FROM ${T("SegmentMember")} sm
       WHERE sm."shop" = ${p.text(shop)} AND sm."segmentId" = ${p.text(segmentId)}
       ORDER BY sm."customerId"${limit === null ? "" : ` LIMIT ${p.integer(limit)}`}`;
    const leaving = (p: Parameters) =>
      `c."shop" = ${p.text(shop)} AND c."segmentId" = ${p.text(segmentId)} AND c."customerId" IN (${chosen(p)})`;
    const event = (p: Parameters) =>
      `${p.text(shop)}, ${p.text(segmentId)}, c."customerId", ${p.text("exit")}, ${p.instant(now.toISOString())},
       ${p.text(cause.cause)}, ${cause.causeRef === null ? "NULL" : p.text(cause.causeRef)}`;
    const run = (build: (p: Parameters) => string) => {
      const p = new Parameters(dialect);
      const sql = build(p);
      return x.$executeRawUnsafe(sql, ...p.values);
    };
    if (dialect.provider === "postgresql") {
      // The events come from what the DELETE itself returns: a member removed concurrently is recorded once.
      return run(
        (p) => `WITH gone AS (DELETE FROM ${T("SegmentMember")} AS c WHERE ${leaving(p)} RETURNING c."customerId")
          INSERT INTO ${T("SegmentMembershipEvent")} ${EVENT_COLUMNS} SELECT ${event(p)} FROM gone c`,
      );
    }
    // SQLite serialises writers: inside this transaction the chosen members are the same for both statements.
    const exited = await run(
      (p) => `INSERT INTO ${T("SegmentMembershipEvent")} ${EVENT_COLUMNS}
        SELECT ${event(p)} FROM ${T("SegmentMember")} c WHERE ${leaving(p)}`,
    );
    await run((p) => `DELETE FROM ${T("SegmentMember")} AS c WHERE ${leaving(p)}`);
    return exited;
  }

  return {
    exitMembers(shop, segmentId, cause, now, limit) {
      return db.$transaction((tx) => exit(tx, shop, segmentId, cause, now, limit), TRANSACTION);
    },

    remove(shop, segmentId, cause, now) {
      return db.$transaction(async (tx) => {
        const exited = await exit(tx, shop, segmentId, cause, now, null);
        const { count } = await tx.segment.deleteMany({ where: { shop, id: segmentId } });
        return { removed: count > 0, exited };
      }, TRANSACTION);
    },
  };
}
