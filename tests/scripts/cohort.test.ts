import { describe, expect, it } from "vitest";
import { providers } from "../helpers/databases.js";
import { migratedDatabases } from "../helpers/migrated-databases.js";
import { cohort, lines, stackLines, VALID_ENV, workDirectory } from "./cohort-cli-harness.js";

const PROVIDERS = await providers();

const migratedDatabase = migratedDatabases();

describe("npm run cohort: configuration and usage", () => {
  it("given a fresh shell and no .env, when status runs, then it exits 78 with one line naming the missing variables and no stack", async () => {
    const run = await cohort(["status", "demo"], { cwd: workDirectory() });

    expect(run.code).toBe(78);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^cohort: missing configuration: /);
    for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SHOPIFY_APP_URL", "SCOPES", "DATABASE_URL"]) {
      expect(run.stderr).toContain(name);
    }
    expect(run.stderr).toContain("npm run dev");
    expect(stackLines(run.stderr)).toEqual([]);
  });

  it("given a .env with a malformed variable the shell sets right, when status runs, then the .env fills the rest and the shell wins", async () => {
    const { SHOPIFY_API_KEY: _missing, ...rest } = VALID_ENV;
    const cwd = workDirectory({ ...rest, SCOPES: "read customers", DATABASE_URL: "mysql://nowhere" });

    const run = await cohort(["status", "demo"], { cwd, env: { SCOPES: VALID_ENV.SCOPES } });

    expect(run.code).toBe(78);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain("missing configuration: SHOPIFY_API_KEY");
    expect(run.stderr).toContain("DATABASE_URL must start with file:");
    expect(run.stderr, "the shell's SCOPES overrides the .env's").not.toContain("SCOPES");
    expect(run.stderr).not.toContain("SHOPIFY_API_SECRET");
  });

  it("given --help, when run without any environment, then it exits 0 listing every command, its options and the exit codes", async () => {
    const run = await cohort(["--help"], { cwd: workDirectory() });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("sync <shop> [--full] [--only <customers|orders>]");
    expect(run.stdout).toContain("status <shop>");
    expect(run.stdout).toMatch(/^\s+help$/m);
    expect(run.stdout).toContain(".env");
    for (const code of ["0", "1", "2", "64", "78"]) expect(run.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, "m"));
    expect((await cohort(["help"], { cwd: workDirectory() })).stdout).toBe(run.stdout);
    expect((await cohort(["status", "--help"], { cwd: workDirectory() })).code).toBe(0);
  });

  it("given an unknown command, option or a missing shop, when run, then it exits 64 with one line", async () => {
    const cwd = workDirectory();
    for (const args of [
      ["frobnicate"],
      ["status"],
      ["sync", "demo", "--bogus"],
      ["sync", "demo", "--only", "products"],
    ]) {
      const run = await cohort(args, { cwd });
      expect(run.code, args.join(" ")).toBe(64);
      expect(lines(run.stderr), args.join(" ")).toHaveLength(1);
      expect(run.stderr).toMatch(/^cohort: /);
    }
  });
});

describe("npm run cohort -- status", () => {
  it("given the .env npm run dev writes and a shop Cohort never saw, when status runs, then it exits 2 with one line", async () => {
    const { url } = await migratedDatabase("sqlite");
    const cwd = workDirectory({ ...VALID_ENV, DATABASE_URL: url });

    const run = await cohort(["status", "unknown-shop"], { cwd });

    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^cohort: unknown shop unknown-shop\.myshopify\.com\b/);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
  });

  it.each(PROVIDERS)(
    "given a known shop with a privacy request that keeps failing, when status runs, then it shows the request with its attempts and last error beside the records held and the last webhook, on %s",
    async (provider) => {
      const { url, db } = await migratedDatabase(provider);
      const shop = "known.myshopify.com";
      await db.shop.create({ data: { domain: shop, scopes: VALID_ENV.SCOPES } });
      await db.syncedCustomer.create({
        data: { shop, id: "gid://shopify/Customer/1", createdAt: new Date(), updatedAt: new Date() },
      });
      const base = { shop, apiVersion: "2025-10", payload: "{}" };
      await db.webhookEvent.create({
        data: {
          ...base,
          topic: "customers/create",
          eventId: "e-applied",
          webhookId: "w-applied",
          processedAt: new Date("2026-12-01T10:00:00Z"),
        },
      });
      await db.webhookEvent.create({
        data: {
          ...base,
          topic: "customers/redact",
          eventId: "e-redact",
          webhookId: "w-redact",
          receivedAt: new Date("2026-12-02T08:00:00Z"),
          attempts: 12,
          error: "database is locked",
          claimedUntil: new Date("2026-12-02T09:00:00Z"),
        },
      });

      const run = await cohort(["status", "known"], { cwd: workDirectory(), env: { ...VALID_ENV, DATABASE_URL: url } });

      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Status of known.myshopify.com");
      expect(run.stdout).toContain("last webhook applied: 2026-12-01T10:00:00Z");
      expect(run.stdout).toContain("customers: never synced, 1 record held");
      expect(run.stdout).toContain("privacy requests pending: 1");
      expect(run.stdout).toContain(
        "customers/redact received 2026-12-02T08:00:00Z, 12 failed attempts, next try 2026-12-02T09:00:00Z",
      );
      expect(run.stdout).toContain("last error: database is locked");
    },
  );
});
