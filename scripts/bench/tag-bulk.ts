/**
 * Re-tagging a whole segment through the bulk path, through the running app, in its own process:
 * `tag-bulk.ts --provider sqlite|postgresql --customers 100000`.
 *
 * A Standard shop of `--customers` customers (and as many orders) is backfilled into a fresh database; the merchant
 * creates the segment `amount_spent >= 0` (every customer) and switches its tagging on (`npm run cohort --
 * tagging … --state on`, which marks every member in the outbox). The worker then drains the outbox as it does in
 * production: batches of the push's size, each at or above the bulk threshold going through the bulk writer (the
 * JSONL of tagsAdd, the staged upload, bulkOperationRunMutation, the poll or the finish webhook, the result file
 * read back) and recorded in the database (confirmed tags, audit, marks cleared).
 *
 * Measured: from the command's return until the outbox is empty and every member's tag is confirmed in the
 * database; Shopify's own part as the local Shopify records it, each bulk operation from created to completed
 * (they run one after another per shop, so the rest is the app's side: building, uploading, polling, reading the
 * results, recording). Afterwards the local Shopify's customers are counted with the tag. Prints one JSON line.
 */
import { parseArgs } from "node:util";
import { operationsOf } from "../../tests/shopify-emulator/bulk/operations.js";
import { waitFor } from "../../tests/helpers/app-stack.js";
import { round2, startTagStack, tagOf } from "./tag-stack.js";

const { values } = parseArgs({
  options: {
    provider: { type: "string", default: "sqlite" },
    customers: { type: "string", default: "100000" },
  },
});
const provider = values.provider === "postgresql" ? "postgresql" : "sqlite";
const customers = Number(values.customers);
const SHOP = "bench-tag-bulk.myshopify.com";
const SEGMENT = "Everyone";

const tag = await startTagStack({ provider, shop: SHOP, plan: "STANDARD", customers, orders: customers });
const { stack, db, shopId } = tag;
try {
  await tag.cli(["segment", "create", SHOP, SEGMENT, "amount_spent >= 0"]);
  const members = await db.segmentMember.count({ where: { shop: SHOP } });
  const operationsBefore = new Set(operationsOf(stack.emulator.context).keys());
  console.error(`[bench] bulk re-tag, ${provider}: ${members} members of ${customers} customers`);
  const commandStarted = Date.now();
  const TAG = tagOf(await tag.cli(["tagging", SHOP, SEGMENT, "--state", "on"]));
  const started = Date.now();
  const marked = await db.tagPending.count({ where: { shop: SHOP } });
  await waitFor(
    async () => {
      const [pending, confirmed] = await Promise.all([
        db.tagPending.count({ where: { shop: SHOP } }),
        db.confirmedCustomerTag.count({ where: { shop: SHOP, tag: TAG } }),
      ]);
      return pending === 0 && confirmed >= members;
    },
    1_800_000,
    250,
  );
  const ended = Date.now();

  const operations = [...operationsOf(stack.emulator.context).values()].filter(
    (operation) => operation.shopId === shopId && operation.type === "MUTATION" && !operationsBefore.has(operation.id),
  );
  const lifetimes = operations.map(
    (operation) =>
      (Date.parse(operation.completedAt ?? new Date(ended).toISOString()) - Date.parse(operation.createdAt)) / 1000,
  );
  const shopifySeconds = lifetimes.reduce((sum, value) => sum + value, 0);
  const firstCreated = Math.min(...operations.map((operation) => Date.parse(operation.createdAt)));
  let taggedInShopify = 0;
  for (const id of tag.customerIds) {
    if (stack.emulator.store.getCustomer(shopId, id)?.tags.includes(TAG)) taggedInShopify += 1;
  }
  const confirmedRows = await db.confirmedCustomerTag.groupBy({
    by: ["origin"],
    where: { shop: SHOP, tag: TAG },
    _count: true,
  });
  const seconds = (ended - started) / 1000;
  console.log(
    JSON.stringify({
      benchmark: "tag-bulk",
      provider,
      plan: "STANDARD",
      customers,
      members,
      marked,
      backfillSeconds: round2(tag.backfillSeconds),
      commandSeconds: round2((started - commandStarted) / 1000),
      seconds: round2(seconds),
      // The worker's next poll: the command does not wake it (COHORT_INBOX_POLL_MS).
      firstOperationAfterSeconds: operations.length ? round2((firstCreated - started) / 1000) : null,
      bulkOperations: operations.length,
      bulkOperationsCompleted: operations.filter((operation) => operation.status === "COMPLETED").length,
      shopifySeconds: round2(shopifySeconds),
      appSeconds: round2(seconds - shopifySeconds),
      customersPerSecond: round2(members / seconds),
      confirmed: Object.fromEntries(confirmedRows.map((row) => [row.origin, row._count])),
      taggedInShopify,
    }),
  );
} finally {
  await tag.close();
}
