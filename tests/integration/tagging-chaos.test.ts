import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../app/db/client.server.js";
import { localAppEnv } from "../../scripts/local-shopify.js";
import { type AppStack, startAppStack, waitFor, openEmbeddedApp } from "../helpers/app-stack.js";
import { freshDatabase, providers, type TestDatabase } from "../helpers/databases.js";
import { cohort, workDirectory } from "../scripts/cohort-cli-harness.js";

const SHOP = "tagging-chaos.myshopify.com";
/** From this many customers a push goes as a bulk mutation (the default 500 would need 500 customers). */
const BULK_THRESHOLD = 4;

/**
 * Automatic tagging when things go wrong, through the built app against the local Shopify: the app killed between
 * sending a push and recording it, bulk mutations that fail or time out, writes Shopify refuses, and the merchant's
 * settings (pause, repair off, a tag removed by hand twice, a segment deleted). Each case ends with Shopify's tags
 * (read from the local Shopify) equal to the segment's members. Segments select customers by email domain, so each
 * case has its own customers and needs no orders.
 */
describe.each(await providers())("tagging under chaos through the running app, on %s", (provider) => {
  let database: TestDatabase;
  let stack: AppStack;
  let db: Database;
  let cliEnv: Record<string, string>;
  const cwd = workDirectory();
  const everyone: number[] = [];

  async function cli(args: string[]): Promise<string> {
    const run = await cohort(args, { cwd, env: cliEnv });
    expect(run.code, `${args.join(" ")}\n${run.stdout}\n${run.stderr}`).toBe(0);
    return run.stdout;
  }

  const tagOf = (segment: string) => `cohort:${segment.toLowerCase().replace(/ /g, "-")}`;

  async function tagsOf(id: number): Promise<string[]> {
    return (await stack.control.getCustomer(SHOP, id)).tags;
  }

  /** Customers of `group` (the merchant's tag the case's segment selects), each synced before the case starts. */
  async function customersAt(group: string, count: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(
        (await stack.control.createCustomer(SHOP, { email: `c${everyone.length + i}@${group}`, tags: [group] })).id,
      );
    }
    everyone.push(...ids);
    await waitFor(
      async () =>
        (await db.syncedCustomer.count({ where: { shop: SHOP, id: { in: ids.map(String) } } })) === ids.length,
      30_000,
    ).catch(failWithLogs);
    return ids;
  }

  async function segmentWithTagging(name: string, group: string, extra: string[] = []): Promise<void> {
    await cli(["segment", "create", SHOP, name, `customer_tags CONTAINS '${group}'`]);
    await cli(["tagging", SHOP, name, "--state", "on", ...extra]);
  }

  /** The ids, of `ids`, whose Shopify tags include `tag` (exact case). */
  async function carrying(ids: number[], tag: string): Promise<number[]> {
    const out: number[] = [];
    for (const id of ids) if ((await tagsOf(id)).includes(tag)) out.push(id);
    return out;
  }

  async function audit(ids: number[], tag: string) {
    return db.tagChange.findMany({
      where: { shop: SHOP, tag, customerId: { in: ids.map(String) } },
      orderBy: { id: "asc" },
    });
  }

  beforeAll(async () => {
    database = await freshDatabase(provider);
    stack = await startAppStack({
      databaseUrl: database.url,
      extraEnv: { COHORT_TAG_BULK_THRESHOLD: String(BULK_THRESHOLD) },
    });
    await stack.control.createShop({ domain: SHOP, name: "Chaos Outfitters" });
    await stack.control.install(SHOP);
    db = createDatabase(database.url);
    cliEnv = localAppEnv({ appUrl: stack.appUrl, emulatorUrl: stack.emulator.url, databaseUrl: database.url });
    const response = await openEmbeddedApp(stack, SHOP);
    expect(response.status, stack.logs.join("")).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    await stack?.stop();
    await database?.drop();
  });

  it(
    "given the app killed after Shopify applied a bulk push and before Cohort recorded it, when it restarts, then each tag is recorded as Cohort's once and leaves Shopify when its customers leave",
    { timeout: 150_000 },
    async () => {
      const ids = await customersAt("crash.example", BULK_THRESHOLD);
      const tag = tagOf("Crash");
      // The bulk mutation applies its lines, then stays RUNNING: Shopify has the tags, Cohort has no answer yet.
      await stack.control.delayBulkOperation(SHOP, { kind: "mutation", ms: 60_000_000 });
      await segmentWithTagging("Crash", "crash.example");
      await waitFor(async () => (await carrying(ids, tag)).length === ids.length, 30_000).catch(failWithLogs);
      // Cohort recorded that it sent the adds, and no answer.
      const sent = await db.confirmedCustomerTag.findMany({ where: { shop: SHOP, tag } });
      expect(sent.map((row) => row.origin)).toEqual(ids.map(() => "sending"));
      expect(await db.tagPending.count({ where: { shop: SHOP, customerId: { in: ids.map(String) } } })).toBe(
        ids.length,
      );
      await stack.crash();
      await stack.restart();

      // A webhook the killed process had claimed waits out its lease (60 s) before another worker takes it, so the
      // outbox is what tells the push is done here.
      await waitFor(async () => {
        const [pending, rows] = await Promise.all([
          db.tagPending.count({ where: { shop: SHOP } }),
          db.confirmedCustomerTag.findMany({ where: { shop: SHOP, tag } }),
        ]);
        return pending === 0 && rows.length === ids.length && rows.every((row) => row.origin === "cohort");
      }, 30_000).catch(failWithLogs);
      expect((await carrying(ids, tag)).sort()).toEqual([...ids].sort());
      const confirmed = await db.confirmedCustomerTag.findMany({ where: { shop: SHOP, tag } });
      expect(confirmed.map((row) => row.origin)).toEqual(ids.map(() => "cohort"));
      // The crashed push wrote no audit; the one after the restart wrote one applied add per customer.
      const adds = (await audit(ids, tag)).filter((row) => row.result === "applied");
      expect(adds.map((row) => [row.customerId, row.action]).sort()).toEqual(
        ids.map((id) => [String(id), "add"]).sort(),
      );

      // Had the restart taken the tags for the merchant's own, they would stay now.
      await cli(["segment", "edit", SHOP, "Crash", "customer_tags CONTAINS 'nobody.example'"]);
      await waitFor(async () => (await carrying(ids, tag)).length === 0, 30_000).catch(failWithLogs);
      await settled(75_000);
      expect(await db.confirmedCustomerTag.count({ where: { shop: SHOP, tag } })).toBe(0);
    },
  );

  it(
    "given a bulk mutation that fails halfway and one that times out, when the pusher retries, then Shopify's tags equal the segment",
    { timeout: 90_000 },
    async () => {
      const ids = await customersAt("bulk.example", BULK_THRESHOLD + 1);
      const tag = tagOf("Bulk");
      await stack.control.failNextBulkOperation(SHOP, {
        type: "mutation",
        errorCode: "INTERNAL_SERVER_ERROR",
        afterLines: 2,
      });
      await segmentWithTagging("Bulk", "bulk.example");
      await waitFor(async () => (await carrying(ids, tag)).length === ids.length, 30_000).catch(failWithLogs);
      await settled();
      const failed = (await audit(ids, tag)).filter((row) => row.result === "failed");
      expect(failed.length, "the lines the failed operation did not run are recorded as failed").toBeGreaterThan(0);

      // Everyone leaves; the bulk removal times out on Shopify's side after one line.
      await stack.control.failNextBulkOperation(SHOP, { type: "mutation", errorCode: "TIMEOUT", afterLines: 1 });
      await cli(["segment", "edit", SHOP, "Bulk", "customer_tags CONTAINS 'nobody.example'"]);
      await waitFor(async () => (await carrying(ids, tag)).length === 0, 30_000).catch(failWithLogs);
      await settled();
      expect(await db.confirmedCustomerTag.count({ where: { shop: SHOP, tag } })).toBe(0);
      const removes = (await audit(ids, tag)).filter((row) => row.action === "remove" && row.result === "applied");
      expect(removes.map((row) => row.customerId).sort()).toEqual(ids.map(String).sort());
    },
  );

  it(
    "given a customer at Shopify's 250 tags and one deleted in Shopify, when the segment is tagged, then Shopify's refusals are in the audit and the others are tagged",
    { timeout: 90_000 },
    async () => {
      const [full, gone, fine] = await customersAt("refused.example", 3);
      const filler = ["refused.example", ...Array.from({ length: 248 }, (_, i) => `t${i}`)];
      // Cohort sees 249 tags; the 250th arrives in Shopify without a webhook, so only Shopify can refuse the add.
      await stack.control.updateCustomer(SHOP, full!, { tags: filler });
      await waitFor(async () => {
        const row = await db.syncedCustomer.findUnique({ where: { shop_id: { shop: SHOP, id: String(full) } } });
        return row !== null && JSON.stringify(row).includes("t247");
      }, 30_000).catch(failWithLogs);
      await stack.control.setChaos(SHOP, { dropRate: 1 });
      await stack.control.updateCustomer(SHOP, full!, { tags: [...filler, "merchant-250"] });
      await stack.control.deleteCustomer(SHOP, gone!);
      await stack.control.clearChaos(SHOP);

      const tag = tagOf("Refused");
      await segmentWithTagging("Refused", "refused.example");
      await waitFor(async () => (await tagsOf(fine!)).includes(tag), 30_000).catch(failWithLogs);
      await settled();
      expect(await tagsOf(full!)).toHaveLength(250);
      expect(await tagsOf(full!)).not.toContain(tag);
      const rows = await audit([full!, gone!, fine!], tag);
      const outcome = (id: number) =>
        rows.filter((row) => row.customerId === String(id)).map((row) => [row.action, row.result, row.message]);
      expect(outcome(fine!)).toEqual([["add", "applied", null]]);
      expect(outcome(full!)).toEqual([["add", "rejected", expect.stringContaining("250")]]);
      expect(outcome(gone!)).toEqual([["add", "rejected", "Customer does not exist"]]);
      expect(await db.tagPending.count({ where: { shop: SHOP } })).toBe(0);
    },
  );

  it(
    "given a paused segment, when a customer joins, then nothing is pushed until tagging is on again",
    { timeout: 90_000 },
    async () => {
      const [first] = await customersAt("paused.example", 1);
      const tag = tagOf("Paused");
      await segmentWithTagging("Paused", "paused.example");
      await waitFor(async () => (await tagsOf(first!)).includes(tag), 30_000).catch(failWithLogs);
      await cli(["tagging", SHOP, "Paused", "--state", "paused"]);
      const [second] = await customersAt("paused.example", 1);
      await waitFor(
        async () => (await db.segmentMember.count({ where: { shop: SHOP, customerId: String(second) } })) > 0,
        30_000,
      );
      await settled();
      expect(await tagsOf(second!)).not.toContain(tag);
      expect(await tagsOf(first!)).toContain(tag);

      await cli(["tagging", SHOP, "Paused", "--state", "on"]);
      await waitFor(async () => (await tagsOf(second!)).includes(tag), 30_000).catch(failWithLogs);
    },
  );

  it(
    "given repair off, when the merchant removes Cohort's tag, then it is not put back and the release is audited",
    { timeout: 90_000 },
    async () => {
      const group = "norepair.example";
      const [member] = await customersAt(group, 1);
      const tag = tagOf("No repair");
      await segmentWithTagging("No repair", "norepair.example", ["--repair", "off"]);
      await waitFor(async () => (await tagsOf(member!)).includes(tag), 30_000).catch(failWithLogs);
      await settled();
      await stack.control.updateCustomer(SHOP, member!, { tags: [group] });
      await waitFor(async () => (await audit([member!], tag)).some((row) => row.action === "release"), 30_000).catch(
        failWithLogs,
      );
      await settled();
      expect(await tagsOf(member!)).not.toContain(tag);
    },
  );

  it(
    "given repair on, when the merchant removes Cohort's tag twice, then it is put back once and then left alone, reported",
    { timeout: 90_000 },
    async () => {
      const group = "twice.example";
      const [member] = await customersAt(group, 1);
      const tag = tagOf("Twice");
      await segmentWithTagging("Twice", "twice.example");
      await waitFor(async () => (await tagsOf(member!)).includes(tag), 30_000).catch(failWithLogs);
      await settled();
      await stack.control.updateCustomer(SHOP, member!, { tags: [group] });
      await waitFor(async () => (await tagsOf(member!)).includes(tag), 30_000).catch(failWithLogs);
      await settled();
      await stack.control.updateCustomer(SHOP, member!, { tags: [group] });
      await waitFor(async () => (await audit([member!], tag)).some((row) => row.action === "release"), 30_000).catch(
        failWithLogs,
      );
      await settled();
      expect(await tagsOf(member!)).not.toContain(tag);
      expect((await audit([member!], tag)).map((row) => row.action)).toEqual(["add", "repair", "release"]);
    },
  );

  it("given a tagged segment, when it is deleted, then its tag leaves Shopify", { timeout: 90_000 }, async () => {
    const ids = await customersAt("deleted.example", 2);
    const tag = tagOf("Deleted");
    await segmentWithTagging("Deleted", "deleted.example");
    await waitFor(async () => (await carrying(ids, tag)).length === ids.length, 30_000).catch(failWithLogs);
    await cli(["segment", "delete", SHOP, "Deleted"]);
    await waitFor(async () => (await carrying(ids, tag)).length === 0, 30_000).catch(failWithLogs);
    await settled();
    expect(await db.confirmedCustomerTag.count({ where: { shop: SHOP, tag } })).toBe(0);
  });

  /** Every webhook applied and the tag outbox empty (retries included), several polls in a row. */
  async function settled(timeoutMs = 45_000): Promise<void> {
    let quiet = 0;
    await waitFor(
      async () => {
        const [inbox, outbox] = await Promise.all([
          db.webhookEvent.count({ where: { shop: SHOP, processedAt: null } }),
          db.tagPending.count({ where: { shop: SHOP } }),
        ]);
        quiet = inbox === 0 && outbox === 0 ? quiet + 1 : 0;
        return quiet >= 5;
      },
      timeoutMs,
      200,
    ).catch(failWithLogs);
  }

  async function failWithLogs(error: unknown): Promise<never> {
    const pending = await db.tagPending.findMany({ where: { shop: SHOP } });
    const events = await db.webhookEvent.findMany({ where: { shop: SHOP, processedAt: null } });
    const audit = await db.tagChange.findMany({ where: { shop: SHOP }, orderBy: { id: "asc" } }).catch(() => []);
    const json = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));
    throw new Error(
      `${String(error)}\npending: ${json(pending)}\nunprocessed events: ${json(events.map((e) => ({ topic: e.topic, attempts: e.attempts, error: e.error })))}\naudit: ${json(audit.slice(-20))}\n${stack.logs.join("").slice(-6000)}`,
    );
  }
});
