import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { EmulatorContext } from "../context.js";
import type { ShopRecord } from "../store/types.js";

/**
 * App Bridge session tokens (ID tokens): HS256 JWTs signed with the app secret. Signed and checked with node:crypto
 * so both stay synchronous; the tests cross-check them against `jose`, which is what `@shopify/shopify-api` uses.
 */

/** `@shopify/shopify-api` decodeSessionToken passes `clockTolerance: 10` (JWT_PERMITTED_CLOCK_TOLERANCE) to jose. */
export const SESSION_TOKEN_CLOCK_TOLERANCE_SECONDS = 10;

export interface SessionTokenClaims {
  iss: string;
  dest: string;
  aud: string;
  sub: string;
  exp: number;
  nbf: number;
  iat: number;
  jti: string;
  sid: string;
}

export interface MintSessionTokenOptions {
  shopDomain: string;
  userId?: string | number;
  ttlSeconds?: number;
  now?: Date;
}

export type SessionTokenFailure =
  "malformed" | "bad_signature" | "wrong_aud" | "expired" | "not_yet_valid" | "dest_mismatch" | "unknown_shop";

export type VerifySessionTokenResult =
  | { ok: true; claims: SessionTokenClaims; shop: ShopRecord }
  | { ok: false; reason: SessionTokenFailure; message: string };

/** The staff user the local admin acts as: the shop owner. Ids are numeric on Shopify. */
export interface EmulatedStaffUser {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  account_owner: boolean;
  locale: string;
  collaborator: boolean;
  email_verified: boolean;
}

export function shopOwner(shop: ShopRecord): EmulatedStaffUser {
  return {
    id: shop.id,
    first_name: "Shop",
    last_name: "Owner",
    email: shop.email,
    account_owner: true,
    locale: "en",
    collaborator: false,
    email_verified: true,
  };
}

function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

function hmacKey(secret: string): Buffer {
  // shopify-api's getHMACKey takes the secret's char codes as bytes; for ASCII secrets that is UTF-8.
  return Buffer.from(secret, "utf8");
}

function sign(signingInput: string, secret: string): Buffer {
  return createHmac("sha256", hmacKey(secret)).update(signingInput).digest();
}

export function mintSessionToken(ctx: EmulatorContext, options: MintSessionTokenOptions): string {
  const now = Math.floor((options.now ?? ctx.store.now()).getTime() / 1000);
  const shop = ctx.store.getShopByDomain(options.shopDomain);
  const userId = options.userId ?? (shop ? shopOwner(shop).id : 1);
  const claims: SessionTokenClaims = {
    iss: `https://${options.shopDomain}/admin`,
    dest: `https://${options.shopDomain}`,
    aud: ctx.config.app.apiKey,
    sub: String(userId),
    exp: now + (options.ttlSeconds ?? ctx.config.sessionTokenTtlSeconds),
    nbf: now,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID().replace(/-/g, ""),
  };
  const signingInput = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${base64url(sign(signingInput, ctx.config.app.apiSecret))}`;
}

function parseJsonSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(reason: SessionTokenFailure, message: string): VerifySessionTokenResult {
  return { ok: false, reason, message };
}

/**
 * Checks a session token as Shopify's token endpoint would: signature with the app secret, `aud`, `exp`/`nbf` with
 * shopify-api's clock tolerance, `iss` and `dest` naming the same shop, and that shop existing here.
 */
export function verifySessionToken(
  ctx: EmulatorContext,
  token: string,
  options: { now?: Date } = {},
): VerifySessionTokenResult {
  const parts = token.split(".");
  if (parts.length !== 3) return fail("malformed", "Session token is not a JWT");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = parseJsonSegment(headerPart);
  if (!isRecord(header) || header.alg !== "HS256") return fail("malformed", "Session token must be signed with HS256");

  const expected = sign(`${headerPart}.${payloadPart}`, ctx.config.app.apiSecret);
  const actual = Buffer.from(signaturePart, "base64url");
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return fail("bad_signature", "Session token signature is invalid");
  }

  const payload = parseJsonSegment(payloadPart);
  if (!isRecord(payload)) return fail("malformed", "Session token payload is not JSON");
  const { iss, dest, aud, sub, exp, nbf, iat, jti, sid } = payload;
  if (
    typeof iss !== "string" ||
    typeof dest !== "string" ||
    typeof aud !== "string" ||
    typeof exp !== "number" ||
    typeof nbf !== "number"
  ) {
    return fail("malformed", "Session token is missing required claims");
  }
  if (aud !== ctx.config.app.apiKey) return fail("wrong_aud", "Session token audience does not match the app");

  const now = Math.floor((options.now ?? ctx.store.now()).getTime() / 1000);
  if (exp <= now - SESSION_TOKEN_CLOCK_TOLERANCE_SECONDS) return fail("expired", "Session token has expired");
  if (nbf > now + SESSION_TOKEN_CLOCK_TOLERANCE_SECONDS) return fail("not_yet_valid", "Session token is not yet valid");

  let destHost: string;
  let issUrl: URL;
  try {
    destHost = new URL(dest).hostname;
    issUrl = new URL(iss);
  } catch {
    return fail("dest_mismatch", "Session token iss/dest are not URLs");
  }
  if (issUrl.hostname !== destHost || issUrl.pathname !== "/admin") {
    return fail("dest_mismatch", "Session token iss does not match dest");
  }
  const shop = ctx.store.getShopByDomain(destHost);
  if (!shop) return fail("unknown_shop", `Session token names an unknown shop ${destHost}`);

  return {
    ok: true,
    shop,
    claims: {
      iss,
      dest,
      aud,
      sub: typeof sub === "string" ? sub : String(sub),
      exp,
      nbf,
      iat: typeof iat === "number" ? iat : nbf,
      jti: typeof jti === "string" ? jti : "",
      sid: typeof sid === "string" ? sid : "",
    },
  };
}
