/**
 * `npm run worker`: the background work (webhook inbox, reconciliation) in its own process. Run the web process
 * with COHORT_BACKGROUND=off beside it: on SQLite every query blocks its process's event loop, so a worker sharing
 * the web process delays webhook acknowledgement. Inbox claims are safe across processes.
 */
import { setPriority } from "node:os";

// Background work yields the CPU to the web process: a delivery burst is acknowledged first and applied as the
// CPU allows (COHORT_WORKER_NICE, default 10; 0 keeps the normal priority). Raising one's own niceness needs no
// privileges.
const nice = Number(process.env.COHORT_WORKER_NICE ?? 10);
if (nice > 0) setPriority(nice);

process.env.COHORT_BACKGROUND = "on";
process.env.COHORT_INBOX_POLL_MS ??= "1000";
await import("../app/worker.server.js");
console.log("[cohort] worker running (inbox and reconciliation); Ctrl-C to stop");
// The worker's own timers do not keep a process alive (they are unref'd for the web process).
const keepAlive = setInterval(() => undefined, 60_000);
const stopKeepingAlive = (): void => clearInterval(keepAlive);
process.once("SIGTERM", stopKeepingAlive);
process.once("SIGINT", stopKeepingAlive);

export {};
