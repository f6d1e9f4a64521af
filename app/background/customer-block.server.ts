import db from "../db.server.js";
import { prismaCustomerBlockReader } from "../db/customer-block/customer-block-reader.server.js";
import { customerBlockSummary, type CustomerBlockSummary } from "../services/customer-block/customer-block-summary.js";

/** What the customer details block shows of one of the shop's customers. */
export function customerBlock(shop: string, customerId: string): Promise<CustomerBlockSummary> {
  return customerBlockSummary({ reader: prismaCustomerBlockReader(db) }, shop, customerId);
}
