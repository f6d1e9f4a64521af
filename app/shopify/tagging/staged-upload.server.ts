/**
 * Uploads a file to a target `stagedUploadsCreate` handed out: a multipart POST of every returned parameter, in
 * order, with the file last (storage ignores fields after it), to a signed URL (no access token). Retried with
 * backoff on 5xx, 429 and network errors; any other refusal (a 400 `EntityTooLarge`, an expired policy) throws.
 * Answers the path `bulkOperationRunMutation` takes: the target's `key` parameter.
 */
import type { StagedUploadTarget } from "../../graphql/tag-writes.js";
import { systemClock, type Clock } from "../admin-client.server.js";

export class StagedUploadError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "StagedUploadError";
  }
}

export interface StagedUploadOptions {
  fetch?: typeof fetch;
  clock?: Clock;
  random?: () => number;
  attempts?: number;
  signal?: AbortSignal;
}

/** The staged path of a target: its `key` parameter (POST targets), else its resource URL (PUT targets). */
export function stagedPathOf(target: StagedUploadTarget): string {
  const key = target.parameters.find((parameter) => parameter.name === "key")?.value;
  return key ?? target.resourceUrl ?? target.url;
}

export async function uploadStagedFile(
  target: StagedUploadTarget,
  filename: string,
  content: string,
  options: StagedUploadOptions = {},
): Promise<string> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const form = new FormData();
    for (const { name, value } of target.parameters) form.append(name, value);
    form.append("file", new Blob([content], { type: "text/jsonl" }), filename);
    let retryable: string;
    try {
      const response = await fetchImpl(target.url, { method: "POST", body: form, signal: options.signal });
      const body = await response.text();
      if (response.ok) return stagedPathOf(target);
      if (response.status < 500 && response.status !== 429) {
        throw new StagedUploadError(
          `The staged upload answered ${response.status}: ${body.slice(0, 300)}`,
          response.status,
        );
      }
      retryable = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof StagedUploadError || options.signal?.aborted) throw error;
      retryable = error instanceof Error ? error.message : String(error);
    }
    if (attempt >= attempts)
      throw new StagedUploadError(`The staged upload failed ${attempts} times: ${retryable}`, null);
    await clock.sleep(random() * Math.min(30_000, 500 * 2 ** (attempt - 1)), options.signal);
  }
}
