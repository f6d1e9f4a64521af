/**
 * Group commit: calls that arrive while the database is busy (or within one turn of the event loop) are written
 * together, in one transaction or one statement, and each caller's promise settles only once that write has
 * committed. Under a burst this turns N commits (each a lock acquisition, a WAL append and, on PostgreSQL, a round
 * trip and a flush) into a few; alone, a call is written on the next turn, as it would have been.
 *
 * `write` receives the batch in arrival order and returns one result per item, in the same order. If it throws for
 * a batch of several, each item is written again on its own, so one bad item fails alone.
 */
export interface GroupCommitOptions {
  /** Batches written at the same time (1 for SQLite's single writer; a few for a connection pool). */
  maxConcurrent: number;
  /** Largest batch (bounds statement size and the time one write holds the lock). */
  maxBatch: number;
}

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export function groupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  { maxConcurrent, maxBatch }: GroupCommitOptions,
): (item: T) => Promise<R> {
  const queue: Waiting<T, R>[] = [];
  let running = 0;
  let scheduled = false;

  async function writeBatch(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await write(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length)
        throw new Error(`group commit: ${results.length} results for ${batch.length}`);
      batch.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const waiting of batch) await writeBatch([waiting]);
    }
  }

  function flush(): void {
    scheduled = false;
    while (running < maxConcurrent && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      running += 1;
      void writeBatch(batch).finally(() => {
        running -= 1;
        schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled || running >= maxConcurrent || queue.length === 0) return;
    scheduled = true;
    // After the current turn: every delivery whose body arrived in this turn joins the batch.
    setImmediate(flush);
  }

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
