import type { OrderDeletionStore } from "../../services/sync/ports.js";
import type { Database } from "../client.server.js";

/**
 * OrderDeletionStore on Prisma (both providers). One transaction per call: the order's child rows, the order, and
 * its DeletedOrder tombstone. Deletions are rare (one orders/delete per order), so plain Prisma calls suffice.
 */
export function prismaOrderDeletion(db: Database): OrderDeletionStore {
  return {
    async deleteOrders(shop, orderIds) {
      const ids = [...new Set(orderIds)];
      if (ids.length === 0) return { deleted: 0, affectedCustomerIds: [] };
      const deletedAt = new Date();
      return db.$transaction(async (tx) => {
        const stored = await tx.syncedOrder.findMany({
          where: { shop, id: { in: ids } },
          select: { customerId: true },
        });
        const children = { where: { shop, orderId: { in: ids } } };
        await tx.syncedLineItemCollection.deleteMany(children);
        await tx.syncedLineItem.deleteMany(children);
        await tx.syncedRefund.deleteMany(children);
        await tx.syncedOrderDiscountCode.deleteMany(children);
        const { count } = await tx.syncedOrder.deleteMany({ where: { shop, id: { in: ids } } });
        for (const id of ids) {
          await tx.deletedOrder.upsert({
            where: { shop_id: { shop, id } },
            create: { shop, id, deletedAt },
            update: {},
          });
        }
        const affectedCustomerIds = [
          ...new Set(stored.flatMap((order) => (order.customerId === null ? [] : [order.customerId]))),
        ];
        return { deleted: count, affectedCustomerIds };
      });
    },

    async deletedOrderIds(shop, orderIds) {
      if (orderIds.length === 0) return new Set();
      const rows = await db.deletedOrder.findMany({
        where: { shop, id: { in: [...new Set(orderIds)] } },
        select: { id: true },
      });
      return new Set(rows.map((row) => row.id));
    },
  };
}
