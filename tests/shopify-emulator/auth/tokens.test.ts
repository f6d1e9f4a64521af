import { describe, expect, it } from "vitest";
import type { StoreChange } from "../store/store.js";
import {
  authenticateAccessToken,
  getInstallation,
  installApp,
  issueOfflineToken,
  issueOnlineToken,
  refreshAccessToken,
  uninstallApp,
} from "./tokens.js";
import { testContext } from "../test-support.js";

function setup() {
  const { ctx, clock } = testContext();
  const shop = ctx.store.createShop({ domain: "demo.myshopify.com" });
  installApp(ctx, shop.id);
  return { ctx, clock, shop, clientId: ctx.config.app.apiKey };
}

describe("access tokens", () => {
  it("given an installed app, when an offline token is issued, then it authenticates with the installation's scopes", () => {
    const { ctx, shop, clientId } = setup();
    const issued = issueOfflineToken(ctx, shop.id, clientId, { expiring: false });
    expect(issued.accessToken).toMatch(/^shpat_[0-9a-f]{32}$/);
    const result = authenticateAccessToken(ctx, issued.accessToken);
    expect(result).toMatchObject({ ok: true, clientId, scopes: ["read_customers", "write_customers", "read_orders"] });
    if (result.ok) expect(result.shop.id).toBe(shop.id);
  });

  it("given a non-expiring offline token, when asked again, then the same token comes back", () => {
    const { ctx, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: false });
    expect(issueOfflineToken(ctx, shop.id, clientId, { expiring: false }).accessToken).toBe(first.accessToken);
  });

  it("given an unknown or missing token, when authenticated, then 401", () => {
    const { ctx } = setup();
    expect(authenticateAccessToken(ctx, "shpat_nope")).toMatchObject({ ok: false, status: 401 });
    expect(authenticateAccessToken(ctx, undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it("given an expiring token, when its hour passes, then 401", () => {
    const { ctx, clock, shop, clientId } = setup();
    const issued = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    expect(issued).toMatchObject({ expiresIn: 3600, refreshTokenExpiresIn: 7_776_000 });
    expect(issued.refreshToken).toMatch(/^shprt_/);
    clock.advance(3599);
    expect(authenticateAccessToken(ctx, issued.accessToken).ok).toBe(true);
    clock.advance(1);
    expect(authenticateAccessToken(ctx, issued.accessToken)).toMatchObject({ ok: false, status: 401 });
  });

  it("given an online token, when issued, then it is shpua_ and lives a day", () => {
    const { ctx, clock, shop, clientId } = setup();
    const issued = issueOnlineToken(ctx, shop.id, clientId);
    expect(issued.accessToken).toMatch(/^shpua_/);
    clock.advance(86_398);
    expect(authenticateAccessToken(ctx, issued.accessToken).ok).toBe(true);
    clock.advance(1);
    expect(authenticateAccessToken(ctx, issued.accessToken).ok).toBe(false);
  });

  it("given tokens, when the app is uninstalled, then they are revoked and app/uninstalled is announced", () => {
    const { ctx, shop, clientId } = setup();
    const offline = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    const changes: StoreChange[] = [];
    ctx.store.changes.on("change", (change: StoreChange) => changes.push(change));
    expect(uninstallApp(ctx, shop.id)).toBe(true);
    expect(authenticateAccessToken(ctx, offline.accessToken)).toMatchObject({ ok: false, status: 401 });
    expect(refreshAccessToken(ctx, offline.refreshToken!, clientId, shop.id).ok).toBe(false);
    expect(getInstallation(ctx, shop.id)?.uninstalledAt).not.toBeNull();
    expect(changes).toEqual([
      expect.objectContaining({ shopId: shop.id, topic: "app/uninstalled", resourceId: clientId, snapshot: shop }),
    ]);
    expect(uninstallApp(ctx, shop.id)).toBe(false);
  });

  it("given an uninstalled app, when reinstalled, then new tokens work and old ones stay revoked", () => {
    const { ctx, shop, clientId } = setup();
    const old = issueOfflineToken(ctx, shop.id, clientId, { expiring: false });
    uninstallApp(ctx, shop.id);
    installApp(ctx, shop.id, ["read_customers"]);
    const fresh = issueOfflineToken(ctx, shop.id, clientId, { expiring: false });
    expect(fresh.accessToken).not.toBe(old.accessToken);
    expect(authenticateAccessToken(ctx, old.accessToken).ok).toBe(false);
    expect(authenticateAccessToken(ctx, fresh.accessToken)).toMatchObject({ ok: true, scopes: ["read_customers"] });
  });
});

describe("refresh tokens", () => {
  it("given a refresh token, when used, then a new pair comes back and the chain continues from the new one", () => {
    const { ctx, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    const second = refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id);
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect(second.tokens.refreshToken).not.toBe(first.refreshToken);
    expect(authenticateAccessToken(ctx, second.tokens.accessToken).ok).toBe(true);
    const third = refreshAccessToken(ctx, second.tokens.refreshToken!, clientId, shop.id);
    expect(third.ok).toBe(true);
  });

  it("given a used refresh token whose replacement was used, when retried, then it is refused", () => {
    const { ctx, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    const second = refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id);
    if (!second.ok) throw new Error("refresh failed");
    refreshAccessToken(ctx, second.tokens.refreshToken!, clientId, shop.id);
    expect(refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id)).toEqual({
      ok: false,
      message: "This request requires an active refresh_token",
    });
  });

  it("given a lost refresh response, when the old token is retried, then a new pair replaces the lost one", () => {
    const { ctx, clock, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    const lost = refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id);
    if (!lost.ok) throw new Error("refresh failed");
    clock.advance(3600);
    const retried = refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id);
    expect(retried.ok).toBe(true);
    expect(refreshAccessToken(ctx, lost.tokens.refreshToken!, clientId, shop.id).ok).toBe(false);
  });

  it("given a used refresh token, when retried after 30 days, then it is refused", () => {
    const { ctx, clock, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id);
    clock.advance(30 * 24 * 3600);
    expect(refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id).ok).toBe(false);
  });

  it("given a refresh token older than 90 days, when used, then it is refused", () => {
    const { ctx, clock, shop, clientId } = setup();
    const first = issueOfflineToken(ctx, shop.id, clientId, { expiring: true });
    clock.advance(7_776_000);
    expect(refreshAccessToken(ctx, first.refreshToken!, clientId, shop.id).ok).toBe(false);
  });

  it("given another shop's refresh token, when used for this shop, then it is refused", () => {
    const { ctx, shop, clientId } = setup();
    const other = ctx.store.createShop({ domain: "other.myshopify.com" });
    installApp(ctx, other.id);
    const theirs = issueOfflineToken(ctx, other.id, clientId, { expiring: true });
    expect(refreshAccessToken(ctx, theirs.refreshToken!, clientId, shop.id).ok).toBe(false);
  });
});
