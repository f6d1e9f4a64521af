import { formatMoney } from "../../domain/money.js";
import type { CustomerBlockReader } from "../../services/customer-block/ports.js";
import type { Database } from "../client.server.js";
import { prismaRfmGroupSettings } from "../segments/shop-segment-settings.server.js";
import { readShopThresholds } from "../segments/shop-thresholds.server.js";

export function prismaCustomerBlockReader(db: Database): CustomerBlockReader {
  return {
    async customerMetrics(shop, customerId) {
      const [customer, metrics] = await Promise.all([
        db.syncedCustomer.findUnique({ where: { shop_id: { shop, id: customerId } }, select: { deletedAt: true } }),
        db.customerMetrics.findUnique({
          where: { shop_customerId: { shop, customerId } },
          select: { orderCount: true, netSpend: true, lastOrderAt: true },
        }),
      ]);
      if (!customer || customer.deletedAt !== null) return null;
      return {
        orderCount: metrics?.orderCount ?? 0,
        netSpend: formatMoney(metrics?.netSpend ?? 0n),
        lastOrderAt: metrics?.lastOrderAt?.toISOString() ?? null,
      };
    },

    async memberships(shop, customerId) {
      const members = await db.segmentMember.findMany({
        where: { shop, customerId },
        orderBy: [{ enteredAt: "asc" }, { segmentId: "asc" }],
        select: { segmentId: true, enteredAt: true },
      });
      if (members.length === 0) return [];
      const segments = await db.segment.findMany({
        where: { shop, id: { in: members.map((member) => member.segmentId) } },
        select: { id: true, name: true },
      });
      const names = new Map(segments.map((segment) => [segment.id, segment.name]));
      return members.flatMap((member) => {
        const name = names.get(member.segmentId);
        return name === undefined
          ? []
          : [{ segmentId: member.segmentId, name, enteredAt: member.enteredAt.toISOString() }];
      });
    },

    thresholds: (shop) => readShopThresholds(db, shop),
    rfmGroupOverrides: (shop) => prismaRfmGroupSettings(db).rfmGroupOverrides(shop),
  };
}
