/**
 * A segment's key figures, defined over its members (a member without metrics counts as a customer with nothing):
 * - customers: the members; revenue: their net spend (ten-thousandths, summed exactly);
 * - average order value: revenue / their net orders, truncated toward zero; 0 without orders;
 * - orders per customer: net orders / customers in hundredths, truncated; 0 without customers;
 * - repeat rate: members with 2 or more net orders / customers, in basis points (hundredths of a percent), truncated;
 * - average lifetime value: revenue / customers, truncated toward zero; 0 without customers.
 * The database computes them in SQL (app/db/segments/segment-detail-reader.server.ts); this is the reference it is tested against.
 */
import { formatMoney, type MoneyUnits } from "../money.js";

export interface SegmentKpis {
  customers: number;
  /** Money strings ("12.30"). */
  revenue: string;
  averageOrderValue: string;
  averageLifetimeValue: string;
  /** Hundredths: 125 is 1.25 orders per customer. */
  ordersPerCustomerHundredths: number;
  /** Basis points: 2500 is 25.00 %. */
  repeatRateBasisPoints: number;
}

export interface KpiMember {
  netSpend: MoneyUnits;
  netOrderCount: number;
}

/** SQL's integer division on both databases: truncation toward zero. */
function truncatedDivision(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : a / b;
}

export function segmentKpisOf(members: readonly KpiMember[]): SegmentKpis {
  const customers = BigInt(members.length);
  let revenue = 0n;
  let orders = 0n;
  let repeaters = 0n;
  for (const member of members) {
    revenue += member.netSpend;
    orders += BigInt(member.netOrderCount);
    if (member.netOrderCount >= 2) repeaters++;
  }
  return {
    customers: members.length,
    revenue: formatMoney(revenue),
    averageOrderValue: formatMoney(truncatedDivision(revenue, orders)),
    averageLifetimeValue: formatMoney(truncatedDivision(revenue, customers)),
    ordersPerCustomerHundredths: Number(truncatedDivision(orders * 100n, customers)),
    repeatRateBasisPoints: Number(truncatedDivision(repeaters * 10_000n, customers)),
  };
}
