/**
 * Tells a waiting backfill that Shopify's `bulk_operations/finish` webhook for its operation was applied, so it
 * polls at once instead of at its next interval. In-process only: the inbox worker calls `bulkOperationFinished`,
 * the backfill runner awaits `waitForFinish`. Delivery is not guaranteed (Shopify may not send it, the worker may
 * run in another process), so the backfill keeps polling either way; this only shortens its waits.
 */

/** Operation ids as Shopify writes them in GraphQL (`gid://shopify/BulkOperation/1`) or as the bare number. */
export function bulkOperationKey(shop: string, operationId: string): string {
  const numeric = /(\d+)$/.exec(operationId)?.[1] ?? operationId;
  return `${shop}\n${numeric}`;
}

export interface WaitForFinishOptions {
  /** Gives up (resolving false) after this long; waits until finished or aborted when omitted. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class BulkFinishNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  /**
   * Finishes seen recently, so a wait that starts after the webhook was applied (the backfill was between polls,
   * or had not started waiting yet) returns at once. Oldest forgotten first beyond `rememberLimit`.
   */
  private readonly finished = new Set<string>();

  constructor(private readonly rememberLimit = 1_000) {}

  bulkOperationFinished(shop: string, operationId: string): void {
    const key = bulkOperationKey(shop, operationId);
    this.finished.delete(key);
    this.finished.add(key);
    if (this.finished.size > this.rememberLimit) this.finished.delete(this.finished.values().next().value!);
    const waiting = this.waiters.get(key);
    this.waiters.delete(key);
    for (const wake of waiting ?? []) wake();
  }

  /** True once the operation's finish was announced; false on timeout or abort. */
  waitForFinish(shop: string, operationId: string, options: WaitForFinishOptions = {}): Promise<boolean> {
    const key = bulkOperationKey(shop, operationId);
    if (this.finished.has(key)) return Promise.resolve(true);
    if (options.signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const settle = (finished: boolean) => {
        if (timer !== undefined) clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        this.waiters.get(key)?.delete(onFinish);
        if (this.waiters.get(key)?.size === 0) this.waiters.delete(key);
        resolve(finished);
      };
      const onFinish = () => settle(true);
      const onAbort = () => settle(false);
      let waiting = this.waiters.get(key);
      if (!waiting) this.waiters.set(key, (waiting = new Set()));
      waiting.add(onFinish);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.timeoutMs !== undefined) timer = setTimeout(() => settle(false), options.timeoutMs);
    });
  }

  /** Waits in progress (for tests and diagnostics). */
  waitingCount(): number {
    let count = 0;
    for (const waiting of this.waiters.values()) count += waiting.size;
    return count;
  }
}

/**
 * The backfill's `waitForFinish` dependency for one shop: resolves when the notifier announces the operation,
 * rejects when the backfill stops waiting (its signal aborts) without one.
 */
export function finishWaiterFor(
  notifier: BulkFinishNotifier,
  shop: string,
): (operationId: string, signal: AbortSignal) => Promise<void> {
  return async (operationId, signal) => {
    if (!(await notifier.waitForFinish(shop, operationId, { signal }))) {
      throw new Error(`No bulk_operations/finish for ${operationId} before the wait ended`);
    }
  };
}

declare global {
  // One notifier per process, even across Vite's module reloads in development.
  var cohortBulkFinishNotifier: BulkFinishNotifier | undefined;
}

export const bulkFinishNotifier: BulkFinishNotifier = (globalThis.cohortBulkFinishNotifier ??=
  new BulkFinishNotifier());

export function bulkOperationFinished(shop: string, operationId: string): void {
  bulkFinishNotifier.bulkOperationFinished(shop, operationId);
}
