import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import type { EmulatorContext } from "../context.js";
import type { StoreChange } from "../store/store.js";
import type { ShopRecord } from "../store/types.js";
import { compliancePayload, payloadForChange, type JsonObject } from "./payloads.js";

export const COMPLIANCE_TOPICS = ["customers/data_request", "customers/redact", "shop/redact"] as const;
export type ComplianceTopic = (typeof COMPLIANCE_TOPICS)[number];

/**
 * Shopify says "8 retries over 4 hours with exponential backoff" (changelog, September 2024) without publishing
 * the schedule. We double from one minute: 1, 2, 4, … 128 minutes, 255 minutes (4 h 15 min) in all. Each delay is
 * multiplied by `config.timeScale`.
 */
export const RETRY_DELAYS_SECONDS = [60, 120, 240, 480, 960, 1920, 3840, 7680] as const;
/** Shopify waits 5 s for an answer; this is the app's limit, so it is not time-scaled. */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** `shop/redact` comes 48 hours after uninstall (time-scaled). */
export const SHOP_REDACT_DELAY_SECONDS = 48 * 3600;

export interface WebhookSubscription {
  topics: string[];
  /** Absolute URL the deliveries go to. */
  url: string;
  includeFields: string[] | null;
  compliance: boolean;
}

export interface ChaosSettings {
  /** Share of events delivered twice (same event id, a new webhook id). */
  duplicateRate: number;
  /** Share of events never delivered. */
  dropRate: number;
  /** Extra delay for delayed events. */
  delayMs: number;
  /** Share of events delayed by `delayMs` (1 when not given). */
  delayRate: number;
  /** Events are held until this many are waiting (or a short flush), then sent in shuffled order. */
  reorderWindow: number;
  seed: number;
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord {
  webhookId: string;
  eventId: string;
  shopDomain: string;
  topic: string;
  url: string;
  apiVersion: string;
  triggeredAt: string;
  state: "pending" | "delivered" | "failed" | "dropped";
  duplicate: boolean;
  attempts: DeliveryAttempt[];
  body: string;
}

export interface DispatcherOptions {
  timeoutMs?: number;
  /** Deliveries kept in the log (oldest dropped first). */
  logLimit?: number;
}

interface PendingDelivery {
  record: DeliveryRecord;
  secret: string;
}

/** mulberry32: small, fast and good enough for chaos decisions; seeded so a test run repeats. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function webhookHmac(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export function readSubscriptions(
  tomlPath: string | null,
  appUrl: string,
): { apiVersion: string; subscriptions: WebhookSubscription[] } {
  const fallback = { apiVersion: "2026-10", subscriptions: [] };
  if (!tomlPath) return fallback;
  const parsed = parseToml(readFileSync(tomlPath, "utf8")) as Record<string, unknown>;
  const webhooks = parsed.webhooks as Record<string, unknown> | undefined;
  if (!webhooks) return fallback;
  const apiVersion = typeof webhooks.api_version === "string" ? webhooks.api_version : fallback.apiVersion;
  const list = Array.isArray(webhooks.subscriptions) ? (webhooks.subscriptions as Record<string, unknown>[]) : [];
  const subscriptions: WebhookSubscription[] = [];
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  for (const entry of list) {
    const uri = typeof entry.uri === "string" ? entry.uri : null;
    if (!uri || !/^(https?:\/\/|\/)/.test(uri)) continue; // Pub/Sub and EventBridge are not emulated.
    const url = uri.startsWith("/") ? `${appUrl.replace(/\/$/, "")}${uri}` : uri;
    const includeFields = strings(entry.include_fields);
    const topics = strings(entry.topics);
    if (topics.length > 0) {
      subscriptions.push({
        topics,
        url,
        includeFields: includeFields.length ? includeFields : null,
        compliance: false,
      });
    }
    const compliance = strings(entry.compliance_topics);
    if (compliance.length > 0) subscriptions.push({ topics: compliance, url, includeFields: null, compliance: true });
  }
  return { apiVersion, subscriptions };
}

/**
 * Turns store changes into signed HTTP deliveries to the app, as Shopify does: one event per change and
 * subscription, retried on failure, optionally mangled by per-shop chaos. Nothing here runs inside the request
 * that made the change: the body is captured at once (Shopify redelivers the original payload), the sending is
 * queued.
 */
export class WebhookDispatcher {
  private readonly log: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private readonly chaos = new Map<
    string,
    { settings: ChaosSettings; random: () => number; held: PendingDelivery[]; flush: NodeJS.Timeout | null }
  >();
  private readonly timeoutMs: number;
  private readonly logLimit: number;
  private running = false;
  private subscriptionsCache: { apiVersion: string; subscriptions: WebhookSubscription[] } | null = null;
  private readonly listener = (change: StoreChange): void => this.onChange(change);

  constructor(
    private readonly ctx: EmulatorContext,
    options: DispatcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
    this.logLimit = options.logLimit ?? 20_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.ctx.store.changes.on("change", this.listener);
  }

  stop(): void {
    this.running = false;
    this.ctx.store.changes.off("change", this.listener);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const state of this.chaos.values()) if (state.flush) clearTimeout(state.flush);
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  /** Re-reads `shopify.app.toml` on next use (after the app changes its subscriptions). */
  reloadSubscriptions(): void {
    this.subscriptionsCache = null;
  }

  subscriptions(): { apiVersion: string; subscriptions: WebhookSubscription[] } {
    this.subscriptionsCache ??= readSubscriptions(this.ctx.config.appTomlPath, this.ctx.config.app.appUrl);
    return this.subscriptionsCache;
  }

  setChaos(shopDomain: string, settings: Partial<ChaosSettings> | null): ChaosSettings | null {
    const previous = this.chaos.get(shopDomain);
    if (previous?.flush) clearTimeout(previous.flush);
    if (previous) for (const pending of previous.held) this.send(pending);
    if (!settings) {
      this.chaos.delete(shopDomain);
      return null;
    }
    const full: ChaosSettings = {
      duplicateRate: settings.duplicateRate ?? 0,
      dropRate: settings.dropRate ?? 0,
      delayMs: settings.delayMs ?? 0,
      delayRate: settings.delayRate ?? 1,
      reorderWindow: settings.reorderWindow ?? 0,
      seed: settings.seed ?? 1,
    };
    this.chaos.set(shopDomain, { settings: full, random: seededRandom(full.seed), held: [], flush: null });
    return full;
  }

  getChaos(shopDomain: string): ChaosSettings | null {
    return this.chaos.get(shopDomain)?.settings ?? null;
  }

  deliveries(filter: { shopDomain?: string; topic?: string } = {}): DeliveryRecord[] {
    return this.log.filter(
      (record) =>
        (!filter.shopDomain || record.shopDomain === filter.shopDomain) &&
        (!filter.topic || record.topic === filter.topic),
    );
  }

  clearLog(): void {
    this.log.length = 0;
  }

  /** For `POST /_emulator/reset`: forgets deliveries, chaos and pending retries; keeps listening. */
  resetState(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const state of this.chaos.values()) if (state.flush) clearTimeout(state.flush);
    this.chaos.clear();
    this.log.length = 0;
    this.subscriptionsCache = null;
  }

  /** Resolves once nothing is queued, held or in flight (retries scheduled later do not count). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const held = [...this.chaos.values()].some((state) => state.held.length > 0);
      const busy = this.log.some((record) => record.state === "pending" && record.attempts.length === 0);
      if (!held && !busy && this.inFlight.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Sends `payload` (or a body built from the store) for `topic` to every subscription of it. */
  fire(shopDomain: string, topic: string, payload?: JsonObject): DeliveryRecord[] {
    const shop = this.ctx.store.getShopByDomain(shopDomain);
    if (!shop) throw new Error(`No shop ${shopDomain}`);
    const { apiVersion, subscriptions } = this.subscriptions();
    const records: DeliveryRecord[] = [];
    for (const subscription of subscriptions.filter((sub) => sub.topics.includes(topic))) {
      const body = payload ?? this.defaultPayload(shop, topic);
      if (!body) continue;
      records.push(...this.enqueue(shop, topic, subscription, body, apiVersion));
    }
    return records;
  }

  fireComplianceWebhook(shopDomain: string, topic: ComplianceTopic, payload?: JsonObject): DeliveryRecord[] {
    return this.fire(shopDomain, topic, payload);
  }

  private defaultPayload(shop: ShopRecord, topic: string): JsonObject | null {
    if (topic === "customers/data_request" || topic === "customers/redact" || topic === "shop/redact") {
      return compliancePayload(shop, topic);
    }
    return payloadForChange(this.ctx.store, shop, topic, shop.id, null, this.subscriptions().apiVersion);
  }

  private appInstalled(shopId: number): boolean {
    const row = this.ctx.store.db
      .prepare("SELECT uninstalled_at FROM installations WHERE shop_id = ? AND client_id = ?")
      .get(shopId, this.ctx.config.app.apiKey) as { uninstalled_at: string | null } | undefined;
    return row !== undefined && row.uninstalled_at === null;
  }

  private onChange(change: StoreChange): void {
    if (!this.running) return;
    const isAppTopic = change.topic.startsWith("app/");
    if (isAppTopic && String(change.resourceId) !== this.ctx.config.app.apiKey) return;
    const shop = this.ctx.store.getShop(change.shopId);
    if (!shop) return;
    // An app hears only from shops that have it installed; `app/uninstalled` is the last word it gets.
    if (change.topic !== "app/uninstalled" && !this.appInstalled(shop.id)) return;
    const { apiVersion, subscriptions } = this.subscriptions();
    const matching = subscriptions.filter((sub) => !sub.compliance && sub.topics.includes(change.topic));
    if (matching.length > 0) {
      const body = payloadForChange(this.ctx.store, shop, change.topic, change.resourceId, change.snapshot, apiVersion);
      if (body)
        for (const subscription of matching)
          this.enqueue(shop, change.topic, subscription, body, apiVersion, change.occurredAt);
    }
    if (change.topic === "app/uninstalled") this.scheduleShopRedact(shop);
  }

  private scheduleShopRedact(shop: ShopRecord): void {
    this.later(SHOP_REDACT_DELAY_SECONDS * 1000 * this.ctx.config.timeScale, () => {
      if (this.appInstalled(shop.id)) return; // reinstalled within 48 hours: no redaction
      this.fire(shop.domain, "shop/redact", compliancePayload(shop, "shop/redact"));
    });
  }

  private enqueue(
    shop: ShopRecord,
    topic: string,
    subscription: WebhookSubscription,
    payload: JsonObject,
    apiVersion: string,
    triggeredAt = this.ctx.store.nowIso(),
  ): DeliveryRecord[] {
    const fields = subscription.includeFields;
    const body = JSON.stringify(
      fields ? Object.fromEntries(fields.map((field) => [field, payload[field] ?? null])) : payload,
    );
    const eventId = randomUUID();
    const make = (duplicate: boolean): PendingDelivery => {
      const record: DeliveryRecord = {
        webhookId: randomUUID(),
        eventId,
        shopDomain: shop.domain,
        topic,
        url: subscription.url,
        apiVersion,
        triggeredAt,
        state: "pending",
        duplicate,
        attempts: [],
        body,
      };
      this.remember(record);
      return { record, secret: this.ctx.config.app.apiSecret };
    };
    const chaos = this.chaos.get(shop.domain);
    const first = make(false);
    if (!chaos) {
      this.later(0, () => this.send(first));
      return [first.record];
    }
    const { settings, random } = chaos;
    if (random() < settings.dropRate) {
      first.record.state = "dropped";
      return [first.record];
    }
    const deliveries = [first];
    if (random() < settings.duplicateRate) deliveries.push(make(true));
    for (const pending of deliveries) {
      const delay = settings.delayMs > 0 && random() < settings.delayRate ? settings.delayMs : 0;
      this.later(delay, () => this.hold(shop.domain, pending));
    }
    return deliveries.map((pending) => pending.record);
  }

  /** Reordering: events wait until the window is full (or 50 ms pass), then go out shuffled. */
  private hold(shopDomain: string, pending: PendingDelivery): void {
    const chaos = this.chaos.get(shopDomain);
    if (!chaos || chaos.settings.reorderWindow <= 1) {
      this.send(pending);
      return;
    }
    chaos.held.push(pending);
    const release = (): void => {
      if (chaos.flush) clearTimeout(chaos.flush);
      chaos.flush = null;
      const batch = chaos.held.splice(0);
      for (let i = batch.length - 1; i > 0; i -= 1) {
        const j = Math.floor(chaos.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
      for (const item of batch) this.send(item);
    };
    if (chaos.held.length >= chaos.settings.reorderWindow) release();
    else chaos.flush ??= setTimeout(release, 50);
  }

  private remember(record: DeliveryRecord): void {
    this.log.push(record);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
  }

  private later(delayMs: number, work: () => void): void {
    if (!this.running) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.running) work();
      },
      Math.max(0, delayMs),
    );
    timer.unref?.();
    this.timers.add(timer);
  }

  private send(pending: PendingDelivery): void {
    void this.attempt(pending);
  }

  private async attempt(pending: PendingDelivery): Promise<void> {
    const { record, secret } = pending;
    if (!this.running) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    const started = Date.now();
    const attempt: DeliveryAttempt = { at: new Date().toISOString(), status: null, error: null, durationMs: 0 };
    try {
      const response = await fetch(record.url, {
        method: "POST",
        body: record.body,
        signal: controller.signal,
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Topic": record.topic,
          "X-Shopify-Hmac-Sha256": webhookHmac(record.body, secret),
          "X-Shopify-Shop-Domain": record.shopDomain,
          "X-Shopify-API-Version": record.apiVersion,
          "X-Shopify-Webhook-Id": record.webhookId,
          "X-Shopify-Event-Id": record.eventId,
          "X-Shopify-Triggered-At": record.triggeredAt,
          "User-Agent": "Shopify-Captain-Hook",
        },
      });
      attempt.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) attempt.error = `HTTP ${response.status}`;
    } catch (error) {
      attempt.error = controller.signal.aborted
        ? `timeout after ${this.timeoutMs} ms`
        : String((error as Error).message ?? error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
    attempt.durationMs = Date.now() - started;
    record.attempts.push(attempt);
    if (attempt.error === null) {
      record.state = "delivered";
      return;
    }
    const retryIndex = record.attempts.length - 1;
    const delaySeconds = RETRY_DELAYS_SECONDS[retryIndex];
    if (delaySeconds === undefined) {
      record.state = "failed";
      return;
    }
    this.later(delaySeconds * 1000 * this.ctx.config.timeScale, () => this.send(pending));
  }
}

/** Orders a customer has, for compliance payloads. */
export function orderIdsOfCustomer(ctx: EmulatorContext, shopId: number, customerId: number): number[] {
  return (
    ctx.store.db
      .prepare("SELECT id FROM orders WHERE shop_id = ? AND customer_id = ? ORDER BY id")
      .all(shopId, customerId) as {
      id: number;
    }[]
  ).map((row) => row.id);
}
