import type { TagStateStore } from "./ports.js";

/**
 * How long "why is this tag here?" can be answered: the audit keeps every tag decision for 90 days, three times the
 * inbox's processed events (30 days), because a merchant asks about a tag long after the webhook that caused it.
 */
export const TAG_AUDIT_RETENTION_MS = 90 * 24 * 60 * 60_000;

export function applyTagAuditRetention(store: Pick<TagStateStore, "purgeAudit">, now: Date = new Date()) {
  return store.purgeAudit(new Date(now.getTime() - TAG_AUDIT_RETENTION_MS));
}
