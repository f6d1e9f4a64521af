import {
  BulkTagBusyError,
  type TagChange,
  type TagOutcome,
  type TagPushWriter,
  type TagWrite,
  type TagWriteOutcome,
  type TagWriteStatus,
  type TagWriter,
} from "../../services/tagging/ports.js";

/** Changes written directly when the bulk path is busy: about a push batch's worth (PUSH_BATCH customers). */
const DIRECT_WHILE_BUSY = 1_000;

/** Shopify's id of a synced customer (Cohort keeps the numeric part). */
export const customerGid = (customerId: string): string => `gid://shopify/Customer/${customerId}`;

/**
 * The push's writer: each customer's adds and removes become separate changes (so each direction has its own answer),
 * sent through the bulk writer from `bulkThreshold` customers on and through the direct writer below it, or when
 * Shopify is already running as many bulk operations as it allows. The threshold is read at each push (the shop's
 * Settings may change it between two).
 */
export function tagPushWriter(writers: {
  direct: TagWriter;
  bulk: TagWriter | null;
  bulkThreshold: number | ((shop: string) => Promise<number>);
}): TagPushWriter {
  const thresholdFor = (shop: string): Promise<number> =>
    typeof writers.bulkThreshold === "number" ? Promise.resolve(writers.bulkThreshold) : writers.bulkThreshold(shop);
  return {
    async bulkThreshold(shop) {
      return writers.bulk === null ? null : thresholdFor(shop);
    },

    async write(shop, writes) {
      const changes: Array<{ write: TagWrite; kind: "add" | "remove"; change: TagChange }> = [];
      for (const write of writes) {
        if (write.add.length > 0) changes.push({ write, kind: "add", change: change(write, write.add, []) });
        if (write.remove.length > 0) changes.push({ write, kind: "remove", change: change(write, [], write.remove) });
      }
      const batch = changes.map((c) => c.change);
      let outcomes: TagOutcome[];
      if (writers.bulk !== null && writes.length >= (await thresholdFor(shop))) {
        try {
          outcomes = await writers.bulk.write(batch);
        } catch (error) {
          if (!(error instanceof BulkTagBusyError)) throw error;
          outcomes = await directWhileBusy(writers.direct, batch, error);
        }
      } else outcomes = await writers.direct.write(batch);

      const byCustomer = new Map<string, TagWriteOutcome>(
        writes.map((w) => [w.customerId, { customerId: w.customerId, add: null, remove: null }]),
      );
      changes.forEach((c, index) => {
        byCustomer.get(c.write.customerId)![c.kind] = statusOf(outcomes[index]);
      });
      return [...byCustomer.values()];
    },
  };
}

/**
 * Shopify is running as many bulk operations as it allows: the first DIRECT_WHILE_BUSY changes go directly, the
 * rest fail for now (their customers are tried again after the retry delay) rather than hold the push for the
 * minutes thousands of direct writes take.
 */
async function directWhileBusy(direct: TagWriter, batch: TagChange[], busy: BulkTagBusyError): Promise<TagOutcome[]> {
  const now = batch.slice(0, DIRECT_WHILE_BUSY);
  const later = batch
    .slice(DIRECT_WHILE_BUSY)
    .map((change): TagOutcome => ({
      status: "failed",
      change,
      message: `Shopify is busy with bulk operations: ${busy.message}`,
    }));
  return [...(await direct.write(now)), ...later];
}

function change(write: TagWrite, add: string[], remove: string[]): TagChange {
  return { customerGid: customerGid(write.customerId), add, remove };
}

function statusOf(outcome: TagOutcome | undefined): TagWriteStatus {
  if (outcome === undefined) return { status: "failed", message: "Shopify's answer for this change is missing" };
  if (outcome.status === "applied") return { status: "applied" };
  if (outcome.status === "failed") return { status: "failed", message: outcome.message };
  // Shopify answers a customer that does not exist (deleted) with a user error on the id.
  return { status: "rejected", message: outcome.message, customerGone: outcome.field?.[0] === "id" };
}
