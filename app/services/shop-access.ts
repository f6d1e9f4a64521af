/**
 * A shop whose offline token Shopify refuses (HTTP 401: the token was revoked, or the app was uninstalled before
 * its webhook arrived) gets no more background work, as after `app/uninstalled`: the inbox worker, reconciliation
 * and the backfill stop for it and report it through `ShopAccessRevoked`. The adapter marks the shop uninstalled
 * and drops its sessions, so the next visit to the app authenticates again (token exchange), and `afterAuth`
 * marks it installed: work resumes, unapplied webhooks included (they wait in the inbox meanwhile).
 */
export type ShopAccessRevoked = (shop: string, reason: string) => Promise<void>;

/**
 * True for the Admin client's `ShopUnavailableError` with status 401 (matched by shape: services do not import the
 * Shopify adapter). Other refusals (402 frozen, 423 locked, no session) keep their current handling.
 */
export function isAccessRevoked(error: unknown): error is Error & { shop: string; status: 401 } {
  return (
    error instanceof Error &&
    error.name === "ShopUnavailableError" &&
    (error as { status?: unknown }).status === 401 &&
    typeof (error as { shop?: unknown }).shop === "string"
  );
}

export function revokedAccessReason(error: Error): string {
  return `${error.name}: ${error.message}`;
}
