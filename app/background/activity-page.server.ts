import db from "../db.server.js";
import { prismaActivityReader } from "../db/activity/activity-reader.server.js";
import { prismaSegmentRepository } from "../db/segments/segment-repository.server.js";
import { loadActivityPage, type ActivityPage, type ActivityQuery } from "../services/activity/activity-page.js";

/** The activity page's loader data: the shop's tag audit and sync events, filtered. */
export function activityPage(shop: string, query: ActivityQuery): Promise<ActivityPage> {
  return loadActivityPage(
    { activity: prismaActivityReader(db), segments: prismaSegmentRepository(db) },
    shop,
    query,
    new Date(),
  );
}
