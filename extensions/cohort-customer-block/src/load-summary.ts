import { parseSummary, type CustomerSegmentsSummary } from "./summary.js";

export type BlockState =
  { status: "loading" } | { status: "error" } | { status: "loaded"; summary: CustomerSegmentsSummary };

/** `gid://shopify/Customer/123` → `123`; null for anything else. */
export function customerIdOf(gid: string | undefined): string | null {
  const match = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/.exec(gid ?? "");
  return match?.[1] ?? null;
}

/**
 * The app's backend answers a relative URL: admin UI extensions resolve it against the app's URL and add Shopify's
 * ID token as the Authorization header themselves (admin extensions' "App authentication").
 */
export function summaryPath(customerId: string): string {
  return `/api/customers/${customerId}/segments`;
}

export async function loadSummary(fetcher: typeof fetch, customerId: string | null): Promise<BlockState> {
  if (customerId === null) return { status: "error" };
  try {
    const response = await fetcher(summaryPath(customerId));
    if (!response.ok) return { status: "error" };
    const summary = parseSummary(await response.json());
    return summary && summary.customerId === customerId ? { status: "loaded", summary } : { status: "error" };
  } catch {
    return { status: "error" };
  }
}
