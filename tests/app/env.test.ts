import { describe, expect, it } from "vitest";
import { InvalidEnvironmentError, parseEnv } from "../../app/env.server.js";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "http://localhost:3000/",
  SCOPES: "read_customers,write_customers",
  DATABASE_URL: "file:./data/cohort.db",
};

describe("environment check at start", () => {
  it("given every variable, when parsed, then values are normalised", () => {
    const env = parseEnv(valid);
    expect(env.SHOPIFY_APP_URL).toBe("http://localhost:3000");
    expect(env.NODE_ENV).toBe("development");
    expect(env.SHOPIFY_EMULATOR_URL).toBeUndefined();
  });

  it("given a missing variable, when parsed, then the error names it", () => {
    const { SHOPIFY_API_SECRET: _omitted, ...rest } = valid;
    expect(() => parseEnv(rest)).toThrowError(/SHOPIFY_API_SECRET is required/);
  });

  it("given malformed values, when parsed, then every bad variable is named with what is wrong", () => {
    try {
      parseEnv({ ...valid, SHOPIFY_APP_URL: "not a url", DATABASE_URL: "mysql://x", SCOPES: "read customers" });
      expect.fail("parseEnv accepted malformed values");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      const message = (error as Error).message;
      expect(message).toMatch(/SHOPIFY_APP_URL must be an absolute URL/);
      expect(message).toMatch(/DATABASE_URL must start with file: \(SQLite\) or postgresql:\/\//);
      expect(message).toMatch(/SCOPES must be comma-separated scopes/);
    }
  });

  it("given the SQLite inbox's commit mode, when parsed, then FULL is the default and only FULL or NORMAL pass", () => {
    expect(parseEnv(valid).COHORT_SQLITE_INBOX_SYNCHRONOUS).toBe("FULL");
    expect(parseEnv({ ...valid, COHORT_SQLITE_INBOX_SYNCHRONOUS: "NORMAL" }).COHORT_SQLITE_INBOX_SYNCHRONOUS).toBe(
      "NORMAL",
    );
    expect(() => parseEnv({ ...valid, COHORT_SQLITE_INBOX_SYNCHRONOUS: "OFF" })).toThrowError(
      /COHORT_SQLITE_INBOX_SYNCHRONOUS must be FULL or NORMAL/,
    );
  });

  it("given an empty string, when parsed, then it counts as missing", () => {
    expect(() => parseEnv({ ...valid, SHOPIFY_API_KEY: "" })).toThrowError(/SHOPIFY_API_KEY is required/);
  });

  it("given a PostgreSQL URL and an emulator URL, when parsed, then both are accepted", () => {
    const env = parseEnv({
      ...valid,
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test?schema=cohort",
      SHOPIFY_EMULATOR_URL: "http://127.0.0.1:4500",
    });
    expect(env.SHOPIFY_EMULATOR_URL).toBe("http://127.0.0.1:4500");
  });
});
