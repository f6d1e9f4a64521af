import { describe, expect, it } from "vitest";
import { loadShopStatus, type ShopStatusDeps } from "../../../../app/services/shop/shop-status.js";

const SHOP = "status.myshopify.com";
const pending = {
  id: "event-1",
  topic: "customers/redact",
  receivedAt: "2026-12-02T08:00:00.000Z",
  attempts: 4,
  lastError: "database is locked",
  retryAt: "2026-12-02T09:00:00.000Z",
};

function deps(known: boolean, asked: string[]): ShopStatusDeps {
  const ask = <T>(what: string, value: T) => {
    asked.push(what);
    return Promise.resolve(value);
  };
  return {
    shops: { isKnown: (shop) => ask("isKnown", known && shop === SHOP) },
    syncStatus: {
      states: () => ask("states", []),
      heldRecords: () => ask("heldRecords", { customers: 3, orders: 5 }),
      lastWebhookAppliedAt: () => ask("lastWebhookAppliedAt", new Date("2026-12-01T10:00:00Z")),
    },
    privacy: {
      listDataRequests: () =>
        ask("listDataRequests", [
          { id: "d1", customerId: "1", requestedAt: "2026-12-01T00:00:00Z", downloadedAt: null },
          { id: "d2", customerId: "2", requestedAt: "2026-12-01T00:00:00Z", downloadedAt: "2026-12-01T01:00:00Z" },
        ]),
    },
    requests: { pending: () => ask("pending", [pending]), giveUp: () => ask("giveUp", false) },
  };
}

describe("a shop's status for the command line", () => {
  it("given a shop Cohort does not know, when loaded, then it is null and nothing else is read", async () => {
    const asked: string[] = [];
    expect(await loadShopStatus(deps(false, asked), SHOP)).toBeNull();
    expect(asked).toEqual(["isKnown"]);
  });

  it("given a known shop, when loaded, then it holds the records held, the last webhook, the pending privacy requests and the exports awaiting download", async () => {
    const status = await loadShopStatus(deps(true, []), SHOP);

    expect(status?.sync.resources.map(({ resource, held }) => ({ resource, held }))).toEqual([
      { resource: "customers", held: 3 },
      { resource: "orders", held: 5 },
    ]);
    expect(status?.sync.lastWebhookAppliedAt).toBe("2026-12-01T10:00:00.000Z");
    expect(status?.pendingPrivacyRequests).toEqual([pending]);
    expect(status?.dataRequestsAwaitingDownload).toBe(1);
  });
});
