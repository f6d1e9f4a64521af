import { describe, expect, it } from "vitest";
import { shopPushLoops } from "../../../../app/services/tagging/shop-push-loops.js";

/** A shop's outbox: how many customers wait, and a gate its push waits on (a bulk operation Shopify takes long over). */
interface FakeShop {
  waiting: number;
  gate?: Promise<void>;
}

function fakeOutbox(shops: Record<string, FakeShop>, batch = 500) {
  const pushes: string[] = [];
  return {
    pushes,
    deps: {
      shopsWithPendingTags: async () => Object.keys(shops).filter((shop) => shops[shop]!.waiting > 0),
      pushShop: async (shop: string) => {
        pushes.push(shop);
        await shops[shop]!.gate;
        const customers = Math.min(batch, shops[shop]!.waiting);
        shops[shop]!.waiting -= customers;
        return { customers };
      },
      fullBatch: batch,
      maxShopsAtOnce: 2,
      onError: (error: unknown) => {
        throw error;
      },
    },
  };
}

describe("the tag pushers, a loop per shop", () => {
  it("given one shop held by a long bulk push, when another shop's order marks a customer, then that shop is pushed at once", async () => {
    let release!: () => void;
    const shops: Record<string, FakeShop> = {
      "big.myshopify.com": { waiting: 100_000, gate: new Promise<void>((resolve) => (release = resolve)) },
    };
    const outbox = fakeOutbox(shops);
    const loops = shopPushLoops(outbox.deps);
    loops.trigger();
    await new Promise((resolve) => setTimeout(resolve, 10));

    shops["small.myshopify.com"] = { waiting: 1 };
    loops.trigger();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shops["small.myshopify.com"]!.waiting, "pushed while the big shop waits").toBe(0);
    expect(shops["big.myshopify.com"]!.waiting).toBe(100_000);

    release();
    await loops.idle();
    expect(shops["big.myshopify.com"]!.waiting).toBe(0);
    // 200 full batches, then at most an empty look or two (the batch was full; it was asked again while running).
    expect(outbox.pushes.filter((shop) => shop === "big.myshopify.com").length).toBeLessThanOrEqual(202);
  });

  it("given more shops waiting than slots, when the pushers run, then every shop is pushed, never more at once than allowed", async () => {
    const shops: Record<string, FakeShop> = {};
    for (let i = 0; i < 5; i += 1) shops[`shop-${i}.myshopify.com`] = { waiting: 1_200 };
    const outbox = fakeOutbox(shops);
    let inFlight = 0;
    let most = 0;
    const push = outbox.deps.pushShop;
    const loops = shopPushLoops({
      ...outbox.deps,
      pushShop: async (shop) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        const pushed = await push(shop);
        inFlight -= 1;
        return pushed;
      },
    });
    loops.trigger();
    await loops.idle();
    expect(Object.values(shops).every((shop) => shop.waiting === 0)).toBe(true);
    expect(most).toBe(2);
  });

  it("given a shop whose push keeps failing, when the pushers run, then it is tried once per trigger, not again and again", async () => {
    let attempts = 0;
    const loops = shopPushLoops({
      shopsWithPendingTags: async () => ["failing.myshopify.com"],
      pushShop: async () => {
        attempts += 1;
        return null;
      },
      fullBatch: 500,
      maxShopsAtOnce: 2,
      onError: () => {},
    });
    loops.trigger();
    await loops.idle();
    expect(attempts).toBe(1);
    loops.trigger();
    await loops.idle();
    expect(attempts).toBe(2);
  });
});
