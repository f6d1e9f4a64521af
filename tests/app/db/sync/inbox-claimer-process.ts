/**
 * One worker process for the inbox's two-process tests: SQLite connections in one Node process cannot stand in for
 * two processes (better-sqlite3 waits for a lock synchronously, blocking the event loop that would let the other
 * connection's transaction finish), so each claimer runs here, in a process of its own.
 *
 *   tsx inbox-claimer-process.ts <database url> <worker id> claim <rounds> <limit>   → prints the claimed ids
 *   tsx inbox-claimer-process.ts <database url> <worker id> drain <batch size>       → prints the applied customer ids
 *
 * Prints one JSON array on stdout and exits.
 */
import { createDatabase, tuneDatabase } from "../../../../app/db/client.server.js";
import { prismaInboxRepository } from "../../../../app/db/sync/inbox-repository.server.js";
import { InboxWorker } from "../../../../app/services/sync/inbox-worker.js";
import { MemorySyncStore } from "../../services/sync/inbox-fakes.js";

const [url, workerId, mode, first, second] = process.argv.slice(2);
if (!url || !workerId || !mode) throw new Error("usage: inbox-claimer-process.ts <url> <worker id> claim|drain …");
const db = createDatabase(url);
await tuneDatabase(db, url);
const repository = prismaInboxRepository(db);
const output: string[] = [];
if (mode === "claim") {
  for (let round = 0; round < Number(first); round += 1) {
    const events = await repository.claim({ limit: Number(second), workerId, leaseMs: 60_000 });
    output.push(...events.map((event) => event.id));
  }
} else {
  const store = new MemorySyncStore();
  store.deleteCustomer = async (_shop, customerId) => {
    output.push(customerId);
  };
  await new InboxWorker({ inbox: repository, store, workerId, batchSize: Number(first) }).drain();
}
await db.$disconnect();
process.stdout.write(JSON.stringify(output));
