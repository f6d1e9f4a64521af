import { systemClock, type Clock } from "./admin-client.server.js";

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "DownloadError";
  }
}

/**
 * Streams a bulk result file (a signed URL: no access token). The request is retried with backoff until the body
 * starts; a stream that breaks later is the caller's to resume (the backfill restarts from its last applied line).
 */
export function bulkDownloader(
  fetchImpl: typeof fetch = globalThis.fetch,
  options: { attempts?: number; clock?: Clock; random?: () => number } = {},
): (url: string, signal?: AbortSignal) => AsyncIterable<Uint8Array> {
  const attempts = options.attempts ?? 5;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  return async function* download(url: string, signal?: AbortSignal) {
    let response: Response | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await fetchImpl(url, { signal });
        if (response.ok && response.body) break;
        if (response.status < 500 && response.status !== 429) {
          throw new DownloadError(`Downloading the bulk result answered ${response.status}`, response.status);
        }
        await response.body?.cancel();
      } catch (error) {
        if (signal?.aborted || (error instanceof DownloadError && error.status !== null)) throw error;
        if (attempt >= attempts) throw error;
      }
      if (attempt >= attempts) throw new DownloadError(`Downloading the bulk result failed ${attempts} times`, null);
      await clock.sleep(random() * Math.min(30_000, 500 * 2 ** (attempt - 1)), signal);
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  };
}
