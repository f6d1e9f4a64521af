import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "../context.js";
import type { EmulatorStore } from "../store/store.js";
import type { ShopRecord } from "../store/types.js";

/**
 * Access tokens, refresh tokens and installations, kept in the store's `access_tokens`, `refresh_tokens` and
 * `installations` tables (plus one table of ours for refresh rotation, created on first use).
 */

/** Online access tokens live a day; Shopify answers `expires_in: 86399`. */
export const ONLINE_TOKEN_TTL_SECONDS = 86_399;
/** Refresh tokens live 90 days (`refresh_token_expires_in: 7776000`). */
export const REFRESH_TOKEN_TTL_SECONDS = 7_776_000;
/**
 * Since August 2026 a used refresh token may be retried until its replacement is used, for at most 30 days after
 * its first use (changelog "More resilient refreshes for expiring offline access tokens").
 */
export const REFRESH_RETRY_WINDOW_SECONDS = 30 * 24 * 3600;

export type AccessTokenKind = "offline" | "offline_expiring" | "online";

export interface InstallationRecord {
  shopId: number;
  clientId: string;
  scopes: string[];
  installedAt: string;
  uninstalledAt: string | null;
}

export interface IssuedTokens {
  accessToken: string;
  scopes: string[];
  /** Seconds; absent for non-expiring offline tokens. */
  expiresIn?: number;
  refreshToken?: string;
  refreshTokenExpiresIn?: number;
}

export type AuthenticateResult =
  { ok: true; shop: ShopRecord; clientId: string; scopes: string[] } | { ok: false; status: 401; message: string };

/** Shopify's answer to a bad access token on the Admin API. */
export const INVALID_ACCESS_TOKEN_MESSAGE =
  "[API] Invalid API key or access token (unrecognized login or wrong password)";

const initialized = new WeakSet<EmulatorStore>();

function ensureAuthTables(store: EmulatorStore): void {
  if (initialized.has(store)) return;
  store.db.exec(`
    CREATE TABLE IF NOT EXISTS refresh_token_rotations (
      token TEXT PRIMARY KEY,
      first_used_at TEXT NOT NULL,
      replacement TEXT
    );
    CREATE INDEX IF NOT EXISTS access_tokens_shop ON access_tokens (shop_id, client_id);
    CREATE INDEX IF NOT EXISTS refresh_tokens_shop ON refresh_tokens (shop_id, client_id);
  `);
  initialized.add(store);
}

function randomToken(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

function addSeconds(date: Date, seconds: number): string {
  return new Date(date.getTime() + seconds * 1000).toISOString();
}

function splitScopes(scopes: string): string[] {
  return scopes
    .split(",")
    .map((scope) => scope.trim())
    .filter(Boolean);
}

// ---- installations -----------------------------------------------------------------------------------------------

interface InstallationRow {
  shop_id: number;
  client_id: string;
  scopes: string;
  installed_at: string;
  uninstalled_at: string | null;
}

export function getInstallation(
  ctx: EmulatorContext,
  shopId: number,
  clientId: string = ctx.config.app.apiKey,
): InstallationRecord | null {
  const row = ctx.store.db
    .prepare("SELECT * FROM installations WHERE shop_id = ? AND client_id = ?")
    .get(shopId, clientId) as InstallationRow | undefined;
  if (!row) return null;
  return {
    shopId: row.shop_id,
    clientId: row.client_id,
    scopes: splitScopes(row.scopes),
    installedAt: row.installed_at,
    uninstalledAt: row.uninstalled_at,
  };
}

export function isInstalled(ctx: EmulatorContext, shopId: number, clientId: string = ctx.config.app.apiKey): boolean {
  const installation = getInstallation(ctx, shopId, clientId);
  return installation !== null && installation.uninstalledAt === null;
}

/** Installs (or reinstalls) the app on a shop with the given scopes (default: the app's configured scopes). */
export function installApp(
  ctx: EmulatorContext,
  shopId: number,
  scopes: string[] = ctx.config.app.scopes,
): InstallationRecord {
  ctx.store.requireShop(shopId);
  const clientId = ctx.config.app.apiKey;
  ctx.store.db
    .prepare(
      `INSERT INTO installations (shop_id, client_id, scopes, installed_at, uninstalled_at) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT (shop_id, client_id) DO UPDATE SET scopes = excluded.scopes,
         installed_at = CASE WHEN installations.uninstalled_at IS NULL THEN installations.installed_at
                             ELSE excluded.installed_at END,
         uninstalled_at = NULL`,
    )
    .run(shopId, clientId, scopes.join(","), ctx.store.nowIso());
  return getInstallation(ctx, shopId, clientId)!;
}

/** Uninstalls the app: marks the installation, revokes every token, and announces `app/uninstalled`. */
export function uninstallApp(ctx: EmulatorContext, shopId: number): boolean {
  const clientId = ctx.config.app.apiKey;
  const shop = ctx.store.requireShop(shopId);
  if (!isInstalled(ctx, shopId, clientId)) return false;
  ctx.store.transaction(() => {
    ctx.store.db
      .prepare("UPDATE installations SET uninstalled_at = ? WHERE shop_id = ? AND client_id = ?")
      .run(ctx.store.nowIso(), shopId, clientId);
    revokeShopTokens(ctx, shopId, clientId);
  });
  ctx.store.emit({ shopId, topic: "app/uninstalled", resourceId: clientId, snapshot: shop });
  return true;
}

// ---- issuing -----------------------------------------------------------------------------------------------------

function insertAccessToken(
  ctx: EmulatorContext,
  shopId: number,
  clientId: string,
  kind: AccessTokenKind,
  scopes: string[],
  expiresAt: string | null,
): string {
  const token = randomToken(kind === "online" ? "shpua_" : "shpat_");
  ctx.store.db
    .prepare(
      "INSERT INTO access_tokens (token, shop_id, client_id, kind, scopes, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?, 0)",
    )
    .run(token, shopId, clientId, kind, scopes.join(","), expiresAt);
  return token;
}

function issueExpiringPair(ctx: EmulatorContext, shopId: number, clientId: string, scopes: string[]): IssuedTokens {
  const now = ctx.store.now();
  const ttl = ctx.config.accessTokenTtlSeconds;
  const accessToken = insertAccessToken(ctx, shopId, clientId, "offline_expiring", scopes, addSeconds(now, ttl));
  const refreshToken = randomToken("shprt_");
  ctx.store.db
    .prepare(
      "INSERT INTO refresh_tokens (token, shop_id, client_id, scopes, expires_at, used) VALUES (?, ?, ?, ?, ?, 0)",
    )
    .run(refreshToken, shopId, clientId, scopes.join(","), addSeconds(now, REFRESH_TOKEN_TTL_SECONDS));
  return {
    accessToken,
    scopes,
    expiresIn: ttl,
    refreshToken,
    refreshTokenExpiresIn: REFRESH_TOKEN_TTL_SECONDS,
  };
}

/**
 * Issues an offline token. A non-expiring one is stable per installation, as on Shopify: asking again returns the
 * token already issued. An expiring one comes with a fresh refresh token every time.
 */
export function issueOfflineToken(
  ctx: EmulatorContext,
  shopId: number,
  clientId: string,
  options: { expiring: boolean },
): IssuedTokens {
  ensureAuthTables(ctx.store);
  const scopes = getInstallation(ctx, shopId, clientId)?.scopes ?? ctx.config.app.scopes;
  if (options.expiring) return ctx.store.transaction(() => issueExpiringPair(ctx, shopId, clientId, scopes));
  const existing = ctx.store.db
    .prepare(
      "SELECT token FROM access_tokens WHERE shop_id = ? AND client_id = ? AND kind = 'offline' AND revoked = 0 LIMIT 1",
    )
    .get(shopId, clientId) as { token: string } | undefined;
  if (existing) {
    ctx.store.db.prepare("UPDATE access_tokens SET scopes = ? WHERE token = ?").run(scopes.join(","), existing.token);
    return { accessToken: existing.token, scopes };
  }
  return { accessToken: insertAccessToken(ctx, shopId, clientId, "offline", scopes, null), scopes };
}

/** Issues an online (user) token: one day, no refresh token. */
export function issueOnlineToken(ctx: EmulatorContext, shopId: number, clientId: string): IssuedTokens {
  ensureAuthTables(ctx.store);
  const scopes = getInstallation(ctx, shopId, clientId)?.scopes ?? ctx.config.app.scopes;
  const expiresAt = addSeconds(ctx.store.now(), ONLINE_TOKEN_TTL_SECONDS);
  return {
    accessToken: insertAccessToken(ctx, shopId, clientId, "online", scopes, expiresAt),
    scopes,
    expiresIn: ONLINE_TOKEN_TTL_SECONDS,
  };
}

export function revokeShopTokens(ctx: EmulatorContext, shopId: number, clientId: string = ctx.config.app.apiKey): void {
  ctx.store.db
    .prepare("UPDATE access_tokens SET revoked = 1 WHERE shop_id = ? AND client_id = ?")
    .run(shopId, clientId);
  ctx.store.db.prepare("UPDATE refresh_tokens SET used = 1 WHERE shop_id = ? AND client_id = ?").run(shopId, clientId);
  ensureAuthTables(ctx.store);
  ctx.store.db
    .prepare(
      `UPDATE refresh_token_rotations SET replacement = NULL
       WHERE token IN (SELECT token FROM refresh_tokens WHERE shop_id = ? AND client_id = ?)`,
    )
    .run(shopId, clientId);
}

export function revokeAccessToken(ctx: EmulatorContext, token: string): void {
  ctx.store.db.prepare("UPDATE access_tokens SET revoked = 1 WHERE token = ?").run(token);
}

// ---- refreshing --------------------------------------------------------------------------------------------------

export type RefreshResult = { ok: true; shopId: number; tokens: IssuedTokens } | { ok: false; message: string };

interface RefreshRow {
  token: string;
  shop_id: number;
  client_id: string;
  scopes: string;
  expires_at: string;
  used: number;
}

/**
 * Trades a refresh token for a new access/refresh pair. A refresh token is single-use, except that a used one may be
 * retried (for a lost response) until its replacement is used, within 30 days of its first use; a retry replaces
 * the pair handed out before.
 */
export function refreshAccessToken(
  ctx: EmulatorContext,
  refreshToken: string,
  clientId: string,
  shopId: number,
): RefreshResult {
  ensureAuthTables(ctx.store);
  const inactive = { ok: false, message: "This request requires an active refresh_token" } as const;
  return ctx.store.transaction((): RefreshResult => {
    const row = ctx.store.db.prepare("SELECT * FROM refresh_tokens WHERE token = ?").get(refreshToken) as
      RefreshRow | undefined;
    if (!row || row.client_id !== clientId || row.shop_id !== shopId) return inactive;
    const now = ctx.store.now();
    if (new Date(row.expires_at).getTime() <= now.getTime()) return inactive;
    if (!isInstalled(ctx, shopId, clientId)) return inactive;

    const rotation = ctx.store.db
      .prepare("SELECT first_used_at, replacement FROM refresh_token_rotations WHERE token = ?")
      .get(refreshToken) as { first_used_at: string; replacement: string | null } | undefined;

    if (row.used) {
      if (!rotation?.replacement) return inactive;
      const replacementUsed = ctx.store.db
        .prepare("SELECT used FROM refresh_tokens WHERE token = ?")
        .get(rotation.replacement) as { used: number } | undefined;
      const windowEnds = new Date(rotation.first_used_at).getTime() + REFRESH_RETRY_WINDOW_SECONDS * 1000;
      if (!replacementUsed || replacementUsed.used || now.getTime() >= windowEnds) return inactive;
      // The replacement was never used: retire it and hand out a new pair in its place.
      ctx.store.db.prepare("UPDATE refresh_tokens SET used = 1 WHERE token = ?").run(rotation.replacement);
    }

    const scopes = getInstallation(ctx, shopId, clientId)?.scopes ?? splitScopes(row.scopes);
    const tokens = issueExpiringPair(ctx, shopId, clientId, scopes);
    ctx.store.db.prepare("UPDATE refresh_tokens SET used = 1 WHERE token = ?").run(refreshToken);
    ctx.store.db
      .prepare(
        `INSERT INTO refresh_token_rotations (token, first_used_at, replacement) VALUES (?, ?, ?)
         ON CONFLICT (token) DO UPDATE SET replacement = excluded.replacement`,
      )
      .run(refreshToken, now.toISOString(), tokens.refreshToken ?? null);
    return { ok: true, shopId, tokens };
  });
}

// ---- checking ----------------------------------------------------------------------------------------------------

interface AccessTokenRow {
  token: string;
  shop_id: number;
  client_id: string;
  kind: string;
  scopes: string;
  expires_at: string | null;
  revoked: number;
}

/** Checks the `X-Shopify-Access-Token` of an Admin API request. */
export function authenticateAccessToken(ctx: EmulatorContext, token: string | undefined): AuthenticateResult {
  const unauthorized = { ok: false, status: 401, message: INVALID_ACCESS_TOKEN_MESSAGE } as const;
  if (!token) return unauthorized;
  const row = ctx.store.db.prepare("SELECT * FROM access_tokens WHERE token = ?").get(token) as
    AccessTokenRow | undefined;
  if (!row || row.revoked) return unauthorized;
  if (row.expires_at !== null && new Date(row.expires_at).getTime() <= ctx.store.now().getTime()) return unauthorized;
  if (!isInstalled(ctx, row.shop_id, row.client_id)) return unauthorized;
  const shop = ctx.store.getShop(row.shop_id);
  if (!shop) return unauthorized;
  return { ok: true, shop, clientId: row.client_id, scopes: splitScopes(row.scopes) };
}
