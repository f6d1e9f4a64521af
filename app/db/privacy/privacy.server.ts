import { formatMoney } from "../../domain/money.js";
import { webhookConcernsCustomer } from "../../domain/privacy/webhook-subject.js";
import type {
  CustomerDataExport,
  DataRequestSummary,
  PrivacyRepository,
  ShopRedactionOutcome,
} from "../../services/privacy/ports.js";
import type { Database } from "../client.server.js";
import type { Prisma } from "../../generated/prisma-sqlite/index.js";

/**
 * Erasure and export across every Cohort table. Every statement names the shop. The synced-facts tables are
 * otherwise written only by the sync store; erasure is the one exception, and it leaves them consistent (a redacted
 * customer becomes a tombstone, as a deleted one does, so a late webhook cannot bring them back).
 */

/**
 * How a customer or order id may appear in a stored webhook body (compact JSON numbers: `"id":123,` / `…:123}`):
 * a coarse filter in the database only. What matches is then checked on the fields that name the customer
 * (`webhookConcernsCustomer`), since any other number in a body can equal the id.
 */
function idPatterns(ids: string[]): Array<{ payload: { contains: string } }> {
  return ids.flatMap((id) => [{ payload: { contains: `:${id},` } }, { payload: { contains: `:${id}}` } }]);
}

/** Stored webhook bodies that are about the customer (they name them, or one of their orders). */
async function eventsAboutCustomer(
  db: Pick<Database, "webhookEvent">,
  shop: string,
  customerId: string,
  orderIds: string[],
  where: Prisma.WebhookEventWhereInput = {},
) {
  const ids = [customerId, ...orderIds].filter(Boolean);
  if (ids.length === 0) return [];
  const candidates = await db.webhookEvent.findMany({
    where: { shop, ...where, OR: idPatterns(ids) },
    orderBy: { receivedAt: "asc" },
    select: { id: true, topic: true, receivedAt: true, payload: true },
  });
  const orders = new Set(orderIds);
  return candidates.filter((event) => {
    try {
      return webhookConcernsCustomer(event.topic, JSON.parse(event.payload), customerId, orders);
    } catch {
      return false; // a body that is not JSON names no one
    }
  });
}

/** BigInt money columns are ten-thousandths of the shop currency: export them as decimal strings. */
function exportable(value: unknown): unknown {
  if (typeof value === "bigint") return formatMoney(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(exportable);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, exportable(field)]));
  }
  return value;
}

/** Rows per table in one erasure transaction: short enough that webhook acknowledgements never wait long. */
export const ERASE_CHUNK = 2_000;

function toSummary(row: { id: string; customerId: string; requestedAt: Date; downloadedAt: Date | null }) {
  return {
    id: row.id,
    customerId: row.customerId,
    requestedAt: row.requestedAt.toISOString(),
    downloadedAt: row.downloadedAt?.toISOString() ?? null,
  } satisfies DataRequestSummary;
}

export function prismaPrivacyRepository(db: Database, options: { eraseChunk?: number } = {}): PrivacyRepository {
  const take = options.eraseChunk ?? ERASE_CHUNK;
  return {
    async eraseCustomer(shop, customerId, orderIds) {
      const now = new Date();
      const customerOrders = customerId
        ? (await db.syncedOrder.findMany({ where: { shop, customerId }, select: { id: true } })).map((o) => o.id)
        : [];
      const orders = [...new Set([...orderIds, ...customerOrders])];
      const existing = customerId
        ? await db.syncedCustomer.findUnique({ where: { shop_id: { shop, id: customerId } } })
        : null;
      const storedBodies = await eventsAboutCustomer(db, shop, customerId, orders, { processedAt: { not: null } });
      const redactRequests = customerId
        ? await eventsAboutCustomer(db, shop, customerId, [], { topic: "customers/redact" })
        : [];
      await db.$transaction([
        ...(customerId
          ? [
              db.customerTag.deleteMany({ where: { shop, customerId } }),
              db.customerMetrics.deleteMany({ where: { shop, customerId } }),
              db.customerPurchase.deleteMany({ where: { shop, customerId } }),
              db.syncedCustomer.upsert({
                where: { shop_id: { shop, id: customerId } },
                create: { shop, id: customerId, createdAt: now, updatedAt: now, deletedAt: now },
                update: {
                  deletedAt: now,
                  updatedAt: existing && existing.updatedAt > now ? existing.updatedAt : now,
                  state: null,
                  tags: "[]",
                  emailMarketing: null,
                  smsMarketing: null,
                  countryCode: null,
                  provinceCode: null,
                  city: null,
                },
              }),
            ]
          : []),
        // The orders stay (shop totals), without anything that points to the person.
        db.syncedOrder.updateMany({
          where: { shop, id: { in: orders } },
          data: { customerId: null, countryCode: null, provinceCode: null, city: null },
        }),
        // Stored webhook bodies carry names, emails and addresses: the processed ones about this customer go.
        db.webhookEvent.deleteMany({ where: { shop, id: { in: storedBodies.map((event) => event.id) } } }),
        db.webhookEvent.updateMany({
          where: { shop, id: { in: redactRequests.map((event) => event.id) } },
          data: { payload: JSON.stringify({ customer: { id: customerId }, orders_to_redact: orderIds }) },
        }),
        db.dataRequest.deleteMany({ where: { shop, customerId } }),
        // Which segments they were in, and when they entered or left, is about them too.
        db.segmentMember.deleteMany({ where: { shop, customerId } }),
        db.segmentMembershipEvent.deleteMany({ where: { shop, customerId } }),
        // And which tags Cohort gave them, why, and what it still meant to do.
        db.confirmedCustomerTag.deleteMany({ where: { shop, customerId } }),
        db.tagPending.deleteMany({ where: { shop, customerId } }),
        db.tagChange.deleteMany({ where: { shop, customerId } }),
      ]);
    },

    async redactShop(shop) {
      const stillUninstalled = async (tx: Pick<Database, "shop">) =>
        (await tx.shop.count({ where: { domain: shop, uninstalledAt: null } })) === 0;
      const record = async (outcome: ShopRedactionOutcome) => {
        await db.shopRedaction.create({ data: { shop, outcome } });
        return outcome;
      };
      if (!(await stillUninstalled(db))) return record("kept: installed");
      // In chunks, each a short transaction that checks the shop is still uninstalled: one transaction over a large
      // shop would hold SQLite's write lock for seconds, and every webhook acknowledgement would wait for it.
      const chunked = async (
        nextIds: () => Promise<string[]>,
        erase: (ids: string[]) => Array<Prisma.PrismaPromise<unknown>>,
      ): Promise<boolean> => {
        for (;;) {
          const ids = await nextIds();
          if (ids.length === 0) return true;
          const done = await db.$transaction(async (tx) => {
            if (!(await stillUninstalled(tx))) return false;
            for (const statement of erase(ids)) await statement;
            return true;
          });
          if (!done) return false;
        }
      };
      const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
      const erased =
        (await chunked(
          async () => ids(await db.syncedOrder.findMany({ where: { shop }, select: { id: true }, take })),
          (orderIds) => {
            const where = { shop, orderId: { in: orderIds } };
            return [
              db.syncedOrderDiscountCode.deleteMany({ where }),
              db.syncedRefund.deleteMany({ where }),
              db.syncedLineItemCollection.deleteMany({ where }),
              db.syncedLineItem.deleteMany({ where }),
              db.syncedOrder.deleteMany({ where: { shop, id: { in: orderIds } } }),
            ];
          },
        )) &&
        (await chunked(
          async () => ids(await db.syncedCustomer.findMany({ where: { shop }, select: { id: true }, take })),
          (customerIds) => {
            const where = { shop, customerId: { in: customerIds } };
            return [
              db.customerPurchase.deleteMany({ where }),
              db.customerMetrics.deleteMany({ where }),
              db.customerTag.deleteMany({ where }),
              db.syncedCustomer.deleteMany({ where: { shop, id: { in: customerIds } } }),
            ];
          },
        )) &&
        (await chunked(
          async () => ids(await db.deletedOrder.findMany({ where: { shop }, select: { id: true }, take })),
          (orderIds) => [db.deletedOrder.deleteMany({ where: { shop, id: { in: orderIds } } })],
        )) &&
        (await chunked(
          async () =>
            (await db.tagChange.findMany({ where: { shop }, select: { id: true }, take })).map((row) => String(row.id)),
          (changeIds) => [db.tagChange.deleteMany({ where: { shop, id: { in: changeIds.map(Number) } } })],
        )) &&
        (await chunked(
          async () => ids(await db.webhookEvent.findMany({ where: { shop }, select: { id: true }, take })),
          (eventIds) => [db.webhookEvent.deleteMany({ where: { shop, id: { in: eventIds } } })],
        ));
      // Metrics or purchases of customers no longer synced, and the shop's own rows: few, in one last transaction.
      const outcome = await db.$transaction(async (tx) => {
        if (!erased || !(await stillUninstalled(tx))) return "stopped: reinstalled" as const;
        await tx.customerPurchase.deleteMany({ where: { shop } });
        await tx.customerMetrics.deleteMany({ where: { shop } });
        await tx.customerTag.deleteMany({ where: { shop } });
        await tx.dataRequest.deleteMany({ where: { shop } });
        await tx.segmentMember.deleteMany({ where: { shop } });
        await tx.segmentMembershipEvent.deleteMany({ where: { shop } });
        await tx.segmentSnapshot.deleteMany({ where: { shop } });
        await tx.shopSegmentThresholds.deleteMany({ where: { shop } });
        await tx.shopSegmentSettings.deleteMany({ where: { shop } });
        await tx.shopSettings.deleteMany({ where: { shop } });
        await tx.segmentDiscount.deleteMany({ where: { shop } });
        await tx.shopifySegmentLink.deleteMany({ where: { shop } });
        await tx.tagPending.deleteMany({ where: { shop } });
        await tx.confirmedCustomerTag.deleteMany({ where: { shop } });
        await tx.segmentTagging.deleteMany({ where: { shop } });
        await tx.segment.deleteMany({ where: { shop } });
        await tx.syncState.deleteMany({ where: { shop } });
        await tx.session.deleteMany({ where: { shop } });
        await tx.shop.deleteMany({ where: { domain: shop } });
        return "erased" as const;
      });
      return record(outcome);
    },

    async collectCustomerData(shop, customerId, orderIds) {
      const customer = await db.syncedCustomer.findUnique({ where: { shop_id: { shop, id: customerId } } });
      const metrics = await db.customerMetrics.findUnique({ where: { shop_customerId: { shop, customerId } } });
      const purchases = await db.customerPurchase.findMany({
        where: { shop, customerId },
        orderBy: [{ kind: "asc" }, { key: "asc" }],
      });
      const orders = await db.syncedOrder.findMany({
        where: { shop, OR: [{ customerId }, { id: { in: orderIds } }] },
        orderBy: { id: "asc" },
      });
      const ids = orders.map((order) => order.id);
      const [lineItems, refunds, codes] = await Promise.all([
        db.syncedLineItem.findMany({
          where: { shop, orderId: { in: ids } },
          orderBy: [{ orderId: "asc" }, { id: "asc" }],
        }),
        db.syncedRefund.findMany({
          where: { shop, orderId: { in: ids } },
          orderBy: [{ orderId: "asc" }, { id: "asc" }],
        }),
        db.syncedOrderDiscountCode.findMany({ where: { shop, orderId: { in: ids } } }),
      ]);
      const [memberships, membershipChanges] = await Promise.all([
        db.segmentMember.findMany({ where: { shop, customerId }, orderBy: { segmentId: "asc" } }),
        db.segmentMembershipEvent.findMany({ where: { shop, customerId }, orderBy: { id: "asc" } }),
      ]);
      const events = await eventsAboutCustomer(db, shop, customerId, ids, {
        topic: { notIn: ["customers/data_request", "customers/redact"] },
      });
      return {
        shop,
        customerId,
        ordersRequested: orderIds,
        customer: customer && !customer.deletedAt ? exportable(customer) : null,
        metrics: metrics ? exportable({ ...metrics, purchases }) : null,
        orders: orders.map((order) =>
          exportable({
            ...order,
            lineItems: lineItems.filter((line) => line.orderId === order.id),
            refunds: refunds.filter((refund) => refund.orderId === order.id),
            discountCodes: codes.filter((code) => code.orderId === order.id).map((code) => code.code),
          }),
        ),
        segments: {
          memberships: memberships.map((member) => exportable(member)),
          changes: membershipChanges.map((change) => exportable(change)),
        },
        webhookEvents: events.map((event) => ({
          topic: event.topic,
          receivedAt: event.receivedAt.toISOString(),
          payload: JSON.parse(event.payload) as unknown,
        })),
      };
    },

    async saveDataRequest(shop, customerId, data, requestId) {
      const fields = { customerId, payload: JSON.stringify(data), requestedAt: new Date(data.generatedAt) };
      const row = requestId
        ? await db.dataRequest.upsert({
            where: { shop_requestId: { shop, requestId } },
            create: { shop, requestId, ...fields },
            update: { ...fields, downloadedAt: null },
          })
        : await db.dataRequest.create({ data: { shop, ...fields } });
      return row.id;
    },

    // Retention runs over every shop at once, as the inbox's does.
    async deleteDataRequestsBefore(before) {
      return (await db.dataRequest.deleteMany({ where: { requestedAt: { lt: before } } })).count;
    },

    async listDataRequests(shop) {
      const rows = await db.dataRequest.findMany({
        where: { shop },
        orderBy: { requestedAt: "desc" },
        select: { id: true, customerId: true, requestedAt: true, downloadedAt: true },
      });
      return rows.map(toSummary);
    },

    async downloadDataRequest(shop, id) {
      const row = await db.dataRequest.findFirst({ where: { shop, id } });
      if (!row) return null;
      await db.dataRequest.updateMany({ where: { shop, id }, data: { downloadedAt: new Date() } });
      return JSON.parse(row.payload) as CustomerDataExport;
    },
  };
}
