/**
 * The tag outbox's pushers: one loop per shop with tags waiting, several shops at once, so one shop's large retag
 * (a bulk operation Shopify takes minutes over) never holds back another shop's few changes after an order.
 */
export interface ShopPushLoopsDependencies {
  shopsWithPendingTags(): Promise<string[]>;
  /** One batch of the shop's waiting changes; null when the push failed (its customers stay marked). */
  pushShop(shop: string): Promise<{ customers: number } | null>;
  /** A batch this full means more may wait: the shop's loop goes on at once. */
  fullBatch: number;
  maxShopsAtOnce: number;
  onError(error: unknown): void;
}

export interface ShopPushLoops {
  /** Looks for shops with waiting tags and starts a loop for each that has none running (up to the limit). */
  trigger(): void;
  /** Resolves once no loop runs and no look is under way (tests, shutdown). */
  idle(): Promise<void>;
}

export function shopPushLoops(deps: ShopPushLoopsDependencies): ShopPushLoops {
  const running = new Map<string, Promise<void>>();
  const askedAgain = new Set<string>();
  let looking: Promise<void> | null = null;
  let lookAgain = false;
  /** A shop found waiting while every slot was taken: a loop that ends looks again (only then, or a shop whose
   * changes keep failing would be pushed again and again instead of on the next poll). */
  let shopLeftWaiting = false;

  async function pushUntilDone(shop: string): Promise<void> {
    do {
      askedAgain.delete(shop);
      let more = true;
      while (more) {
        const pushed = await deps.pushShop(shop);
        more = pushed !== null && pushed.customers >= deps.fullBatch;
      }
    } while (askedAgain.has(shop));
  }

  function start(shop: string): void {
    const loop = pushUntilDone(shop)
      .catch(deps.onError)
      .finally(() => {
        running.delete(shop);
        if (shopLeftWaiting) trigger();
      });
    running.set(shop, loop);
  }

  function trigger(): void {
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = (async () => {
      do {
        lookAgain = false;
        shopLeftWaiting = false;
        for (const shop of await deps.shopsWithPendingTags()) {
          if (running.has(shop)) askedAgain.add(shop);
          else if (running.size < deps.maxShopsAtOnce) start(shop);
          else shopLeftWaiting = true;
        }
      } while (lookAgain);
    })()
      .catch(deps.onError)
      .finally(() => {
        looking = null;
      });
  }

  async function idle(): Promise<void> {
    while (looking || running.size > 0) await Promise.all([looking, ...running.values()]);
  }

  return { trigger, idle };
}
