import { describe, expect, it } from "vitest";
import * as jose from "jose";
import { mintSessionToken, verifySessionToken } from "./session-token.js";
import { testContext } from "../test-support.js";

function setup() {
  const { ctx, clock } = testContext(new Date());
  const shop = ctx.store.createShop({ domain: "demo.myshopify.com" });
  return { ctx, clock, shop };
}

const secretKey = (secret: string) => new TextEncoder().encode(secret);

describe("session tokens", () => {
  it("given a minted token, when verified, then the claims are Shopify's", () => {
    const { ctx, shop } = setup();
    const token = mintSessionToken(ctx, { shopDomain: shop.domain, userId: 42 });
    const result = verifySessionToken(ctx, token);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const now = Math.floor(ctx.store.now().getTime() / 1000);
    expect(result.claims).toMatchObject({
      iss: "https://demo.myshopify.com/admin",
      dest: "https://demo.myshopify.com",
      aud: "test-api-key",
      sub: "42",
      iat: now,
      nbf: now,
      exp: now + 60,
    });
    expect(result.claims.jti).toMatch(/\S{8,}/);
    expect(result.claims.sid).toMatch(/\S{8,}/);
    expect(Object.keys(result.claims).sort()).toEqual(["aud", "dest", "exp", "iat", "iss", "jti", "nbf", "sid", "sub"]);
  });

  it("given a minted token, when jose verifies it as shopify-api does, then it passes with HS256", async () => {
    const { ctx, shop } = setup();
    const token = mintSessionToken(ctx, { shopDomain: shop.domain });
    const { payload, protectedHeader } = await jose.jwtVerify(token, secretKey("test-api-secret"), {
      algorithms: ["HS256"],
      clockTolerance: 10,
    });
    expect(protectedHeader.alg).toBe("HS256");
    expect(payload.aud).toBe("test-api-key");
  });

  it("given random claims signed by jose, when verified here, then the verdict matches jose's", async () => {
    const { ctx, shop } = setup();
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 40; i += 1) {
      const offset = Math.floor(Math.random() * 160) - 80;
      const secret = Math.random() < 0.2 ? "other-secret" : "test-api-secret";
      const token = await new jose.SignJWT({ dest: `https://${shop.domain}`, sid: "s", jti: `j${i}` })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuer(`https://${shop.domain}/admin`)
        .setAudience("test-api-key")
        .setSubject("1")
        .setIssuedAt(now + offset)
        .setNotBefore(now + offset)
        .setExpirationTime(now + offset + 60)
        .sign(secretKey(secret));
      const reference = await jose
        .jwtVerify(token, secretKey("test-api-secret"), {
          algorithms: ["HS256"],
          clockTolerance: 10,
          currentDate: new Date(now * 1000),
        })
        .then(() => true)
        .catch(() => false);
      expect(verifySessionToken(ctx, token, { now: new Date(now * 1000) }).ok, `offset ${offset} ${secret}`).toBe(
        reference,
      );
    }
  });

  it("given a token signed with another secret, when verified, then the reason is bad_signature", async () => {
    const { ctx, shop } = setup();
    const forged = mintSessionToken(
      { ...ctx, config: { ...ctx.config, app: { ...ctx.config.app, apiSecret: "x" } } },
      {
        shopDomain: shop.domain,
      },
    );
    expect(verifySessionToken(ctx, forged)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("given a token for another app, when verified, then the reason is wrong_aud", () => {
    const { ctx, shop } = setup();
    const other = mintSessionToken(
      { ...ctx, config: { ...ctx.config, app: { ...ctx.config.app, apiKey: "other" } } },
      {
        shopDomain: shop.domain,
      },
    );
    expect(verifySessionToken(ctx, other)).toMatchObject({ ok: false, reason: "wrong_aud" });
  });

  it("given a token past exp, when verified within 10 s, then it passes, and after, then the reason is expired", () => {
    const { ctx, clock, shop } = setup();
    const token = mintSessionToken(ctx, { shopDomain: shop.domain });
    clock.advance(65);
    expect(verifySessionToken(ctx, token).ok).toBe(true);
    clock.advance(10);
    expect(verifySessionToken(ctx, token)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("given a token from the future, when verified, then the reason is not_yet_valid", () => {
    const { ctx, shop } = setup();
    const token = mintSessionToken(ctx, { shopDomain: shop.domain, now: new Date(Date.now() + 30_000) });
    expect(verifySessionToken(ctx, token)).toMatchObject({ ok: false, reason: "not_yet_valid" });
  });

  it("given iss and dest naming different shops, when verified, then the reason is dest_mismatch", async () => {
    const { ctx, shop } = setup();
    const now = Math.floor(Date.now() / 1000);
    const token = await new jose.SignJWT({ dest: `https://${shop.domain}` })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("https://elsewhere.myshopify.com/admin")
      .setAudience("test-api-key")
      .setNotBefore(now)
      .setExpirationTime(now + 60)
      .sign(secretKey("test-api-secret"));
    expect(verifySessionToken(ctx, token)).toMatchObject({ ok: false, reason: "dest_mismatch" });
  });

  it("given a token for a shop the emulator does not have, when verified, then the reason is unknown_shop", () => {
    const { ctx } = setup();
    const token = mintSessionToken(ctx, { shopDomain: "ghost.myshopify.com" });
    expect(verifySessionToken(ctx, token)).toMatchObject({ ok: false, reason: "unknown_shop" });
  });

  it("given garbage, when verified, then the reason is malformed", () => {
    const { ctx } = setup();
    expect(verifySessionToken(ctx, "not-a-jwt")).toMatchObject({ ok: false, reason: "malformed" });
  });
});
