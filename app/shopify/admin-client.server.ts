import { ClientError, GraphQLClient } from "graphql-request";
import type { GraphqlOperation } from "../graphql/operation.js";
import { ShopifyGraphqlError, type AdminGraphql } from "../services/shop/ports.js";

/**
 * The one Admin GraphQL client for work outside a request (backfill, reconciliation, the CLI). It paces itself to
 * the shop's cost bucket as Shopify reports it in every answer, retries what is worth retrying (THROTTLED, 429,
 * 5xx, network errors) with exponential backoff and full jitter, takes a fresh access token for every attempt
 * from a provider (which refreshes expiring offline tokens), and stops with `ShopUnavailableError` when the shop
 * no longer accepts the app (401 and kin) so callers stop working for that shop.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** Gives a valid access token for the shop. `invalidate` drops any cached token (after a 401). */
export interface AccessTokenProvider {
  accessToken(): Promise<string>;
  invalidate?(): void;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** The shop cannot be worked on with this app's token (uninstalled, frozen, closed): stop work for it. */
export class ShopUnavailableError extends Error {
  constructor(
    readonly shop: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = "ShopUnavailableError";
  }
}

/** Retries ran out; `lastError` is what the final attempt saw. */
export class AdminRequestFailedError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(message);
    this.name = "AdminRequestFailedError";
  }
}

/** Statuses with which Shopify says the shop is not available to this app any more. */
const SHOP_UNAVAILABLE_STATUSES = new Set([401, 402, 403, 404, 423]);

export interface AdminClientOptions {
  shop: string;
  apiVersion: string;
  token: AccessTokenProvider;
  fetch?: typeof fetch;
  clock?: Clock;
  /** In [0, 1); the jitter source (tests make it deterministic). */
  random?: () => number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Expected cost of a document never seen before (afterwards its last requested cost is used). */
  defaultExpectedCost?: number;
  onThrottleStatus?: (status: ThrottleStatus) => void;
}

export interface RequestOptions {
  /** Overrides the expected cost used for pacing. */
  expectedCost?: number;
  signal?: AbortSignal;
}

interface BucketObservation {
  status: ThrottleStatus;
  atMs: number;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown; retryAfterMs?: number; throttled?: boolean };

export interface GraphqlErrorShape {
  message?: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string };
}

/** A whole answer: data (possibly partial), the errors beside it, and the cost Shopify reported. */
export interface RawAnswer<TData> {
  data: TData | null;
  errors: GraphqlErrorShape[];
  cost: QueryCost | null;
}

export class AdminClient {
  private readonly client: GraphQLClient;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly defaultExpectedCost: number;
  private observation: BucketObservation | null = null;
  /** Points taken by requests sent but not answered yet (they are not in the last observation). */
  private inFlightCost = 0;
  private readonly lastRequestedCost = new Map<string, number>();
  private pacingQueue: Promise<void> = Promise.resolve();

  constructor(private readonly options: AdminClientOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.defaultExpectedCost = options.defaultExpectedCost ?? 50;
    this.client = new GraphQLClient(`https://${options.shop}/admin/api/${options.apiVersion}/graphql.json`, {
      fetch: options.fetch ?? globalThis.fetch,
      errorPolicy: "all",
    });
  }

  get shop(): string {
    return this.options.shop;
  }

  /** The bucket as last reported by Shopify, or null before the first answer. */
  get throttleStatus(): ThrottleStatus | null {
    return this.observation?.status ?? null;
  }

  /** Points expected to be available now, by the last observation and the restore rate. */
  predictedAvailable(): number | null {
    if (!this.observation) return null;
    const { status, atMs } = this.observation;
    const restored = ((this.clock.now() - atMs) / 1000) * status.restoreRate;
    return Math.min(status.maximumAvailable, status.currentlyAvailable + restored) - this.inFlightCost;
  }

  /** How long to wait before a request of this cost can run without being throttled. */
  pacingDelayMs(cost: number): number {
    if (!this.observation) return 0;
    const { status } = this.observation;
    const needed = Math.min(cost, status.maximumAvailable) - (this.predictedAvailable() ?? 0);
    if (needed <= 0 || status.restoreRate <= 0) return 0;
    return Math.ceil((needed / status.restoreRate) * 1000);
  }

  async request<TData, TVariables extends Record<string, unknown>>(
    document: GraphqlOperation<TData, TVariables>,
    ...rest: keyof TVariables extends never
      ? [variables?: TVariables, options?: RequestOptions]
      : [variables: TVariables, options?: RequestOptions]
  ): Promise<TData> {
    const [variables, options] = rest;
    return this.run<TData>(document, variables, options ?? {});
  }

  /** `request` with plain parameters, for generic callers (services take it as `TypedGraphql`). */
  execute<TData, TVariables extends Record<string, unknown>>(
    document: GraphqlOperation<TData, TVariables>,
    variables?: TVariables,
    options: RequestOptions = {},
  ): Promise<TData> {
    return this.run<TData>(document, variables, options);
  }

  /**
   * Like `execute`, paced and retried the same way (THROTTLED, 429, 5xx, network), but GraphQL errors other than
   * THROTTLED come back beside the data instead of being thrown: for aliased mutations, where one alias's error
   * must not hide the others' answers.
   */
  executeRaw<TData>(
    document: string,
    variables?: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<RawAnswer<TData>> {
    return this.run<RawAnswer<TData>>(document, variables, options, true);
  }

  /** The client as the services' `AdminGraphql` (untyped documents). */
  asAdminGraphql(): AdminGraphql {
    return <TData>(query: string, variables?: Record<string, unknown>) => this.run<TData>(query, variables, {});
  }

  private async run<TData>(
    document: string,
    variables: Record<string, unknown> | undefined,
    options: RequestOptions,
    raw = false,
  ) {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const cost = options.expectedCost ?? this.lastRequestedCost.get(document) ?? this.defaultExpectedCost;
      await this.waitForBucket(cost, options.signal);
      this.inFlightCost += cost;
      let outcome: Attempt<TData>;
      try {
        outcome = await this.attempt<TData>(document, variables, options.signal, raw);
      } finally {
        this.inFlightCost -= cost;
      }
      if (outcome.ok) return outcome.value;
      lastError = outcome.error;
      if (attempt === this.maxAttempts) break;
      // THROTTLED: the bucket observation just taken says exactly how long to wait; jitter spreads concurrent
      // callers. Everything else: exponential backoff with full jitter.
      const backoff = this.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      const delay = outcome.throttled
        ? this.pacingDelayMs(cost) + backoff / 4
        : Math.max(backoff, outcome.retryAfterMs ?? 0);
      await this.clock.sleep(delay, options.signal);
    }
    throw new AdminRequestFailedError(
      `Shopify request to ${this.options.shop} failed after ${this.maxAttempts} attempts: ${describe(lastError)}`,
      this.maxAttempts,
      lastError,
    );
  }

  /** Requests wait in turn, so concurrent callers do not all see the same room in the bucket. */
  private waitForBucket(cost: number, signal?: AbortSignal): Promise<void> {
    const turn = this.pacingQueue.then(async () => {
      const delay = this.pacingDelayMs(cost);
      if (delay > 0) await this.clock.sleep(delay, signal);
    });
    this.pacingQueue = turn.catch(() => undefined);
    return turn;
  }

  private async attempt<TData>(
    document: string,
    variables: Record<string, unknown> | undefined,
    signal: AbortSignal | undefined,
    raw = false,
  ): Promise<Attempt<TData>> {
    let token: string;
    try {
      token = await this.options.token.accessToken();
    } catch (error) {
      throw new ShopUnavailableError(this.options.shop, null, `No usable offline session: ${describe(error)}`);
    }
    try {
      const response = await this.client.rawRequest<TData>({
        query: document,
        variables,
        requestHeaders: { "X-Shopify-Access-Token": token },
        signal,
      });
      const cost = costOf(response.extensions);
      if (cost) this.observe(document, cost);
      const errors = (response.errors ?? []) as GraphqlErrorShape[];
      if (errors.some((error) => error.extensions?.code === "THROTTLED")) {
        return { ok: false, throttled: true, error: new ShopifyGraphqlError("Throttled", errors) };
      }
      if (raw) {
        const answer: RawAnswer<unknown> = { data: response.data ?? null, errors, cost };
        return { ok: true, value: answer as TData };
      }
      if (errors.length > 0 || response.data === undefined || response.data === null) {
        throw new ShopifyGraphqlError(`Shopify answered with errors: ${JSON.stringify(errors)}`, errors);
      }
      return { ok: true, value: response.data };
    } catch (error) {
      if (error instanceof ShopifyGraphqlError) throw error;
      if (signal?.aborted) throw error;
      if (error instanceof ClientError) {
        const status = error.response.status;
        if (SHOP_UNAVAILABLE_STATUSES.has(status)) {
          this.options.token.invalidate?.();
          throw new ShopUnavailableError(
            this.options.shop,
            status,
            `Shopify answered ${status} for ${this.options.shop}`,
          );
        }
        if (status === 429 || status >= 500) {
          return { ok: false, error, retryAfterMs: retryAfterMs(error.response.headers) };
        }
        throw new ShopifyGraphqlError(
          `Shopify answered HTTP ${status}: ${error.response.body ?? ""}`,
          error.response.errors,
        );
      }
      // Network failures (fetch rejects with TypeError, sockets reset) are worth another try.
      return { ok: false, error };
    }
  }

  private observe(document: string, cost: QueryCost): void {
    this.observation = { status: cost.throttleStatus, atMs: this.clock.now() };
    if (cost.requestedQueryCost !== null) this.lastRequestedCost.set(document, cost.requestedQueryCost);
    this.options.onThrottleStatus?.(cost.throttleStatus);
  }
}

function costOf(extensions: unknown): QueryCost | null {
  if (typeof extensions !== "object" || extensions === null) return null;
  const cost = (extensions as { cost?: unknown }).cost;
  if (typeof cost !== "object" || cost === null) return null;
  const { requestedQueryCost, actualQueryCost, throttleStatus } = cost as Record<string, unknown>;
  if (typeof throttleStatus !== "object" || throttleStatus === null) return null;
  const status = throttleStatus as Record<string, unknown>;
  if (
    typeof status.maximumAvailable !== "number" ||
    typeof status.currentlyAvailable !== "number" ||
    typeof status.restoreRate !== "number"
  ) {
    return null;
  }
  return {
    requestedQueryCost: typeof requestedQueryCost === "number" ? requestedQueryCost : null,
    actualQueryCost: typeof actualQueryCost === "number" ? actualQueryCost : null,
    throttleStatus: {
      maximumAvailable: status.maximumAvailable,
      currentlyAvailable: status.currentlyAvailable,
      restoreRate: status.restoreRate,
    },
  };
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get?.("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  return new AdminClient(options);
}
