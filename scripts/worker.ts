/**
 * `npm run worker`: the background work (webhook inbox, reconciliation, backfills) in its own process. Run the web
 * process with COHORT_BACKGROUND=off beside it: on SQLite every query blocks its process's event loop, so a worker
 * sharing the web process delays webhook acknowledgement. Inbox claims are safe across processes.
 */
import { setPriority } from "node:os";

process.env.COHORT_BACKGROUND = "on";
process.env.COHORT_INBOX_POLL_MS ??= "1000";
const { env } = await import("../app/env.server.js");
const { startBackgroundWork } = await import("../app/background/worker.server.js");

// Background work yields the CPU to the web process: a delivery burst is acknowledged first and applied as the
// CPU allows. Raising one's own niceness needs no privileges.
const nice = env().COHORT_WORKER_NICE;
if (nice > 0) setPriority(nice);
startBackgroundWork();
console.log("[cohort] worker running (inbox and reconciliation); Ctrl-C to stop");
// The worker's own timers do not keep a process alive (they are unref'd for the web process).
const keepAlive = setInterval(() => undefined, 60_000);
const stopKeepingAlive = (): void => clearInterval(keepAlive);
process.once("SIGTERM", stopKeepingAlive);
process.once("SIGINT", stopKeepingAlive);
