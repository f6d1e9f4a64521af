/**
 * Whether a resource still needs its backfill: it never completed, or it completed over Shopify's last 60 days
 * only and the shop has granted `read_all_orders` since. The second happens when the grant (`app/scopes_update`)
 * comes while that 60-day backfill runs: the running backfill then marks itself completed after the grant reset it.
 */
export function backfillOutstanding(
  state: { status: string; limitedToDays: number | null } | undefined,
  scopes: readonly string[],
): boolean {
  if (!state || state.status !== "completed") return true;
  return state.limitedToDays !== null && scopes.includes("read_all_orders");
}
