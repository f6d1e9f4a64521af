import db from "../db.server.js";
import { prismaPrivacyRepository } from "../db/privacy/privacy.server.js";
import { prismaPrivacyRequests } from "../db/privacy/privacy-requests.server.js";
import type { CustomerDataExport } from "../services/privacy/ports.js";
import { giveUpPrivacyRequest, loadPrivacyPage, type PrivacyPage } from "../services/privacy/privacy-page.js";

/** The privacy page's loader data. */
export function privacyPage(shop: string): Promise<PrivacyPage> {
  return loadPrivacyPage({ privacy: prismaPrivacyRepository(db), requests: prismaPrivacyRequests(db) }, shop);
}

/** One stored data-request export, marked downloaded; null when it is not the shop's. */
export function downloadDataRequest(shop: string, id: string): Promise<CustomerDataExport | null> {
  return prismaPrivacyRepository(db).downloadDataRequest(shop, id);
}

export function giveUpOnPrivacyRequest(shop: string, eventId: string): Promise<boolean> {
  return giveUpPrivacyRequest(prismaPrivacyRequests(db), shop, eventId);
}
