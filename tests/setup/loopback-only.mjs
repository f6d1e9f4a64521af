/**
 * Installs, on import, the rule that this process may open network connections to loopback only (the local
 * Shopify, the app, PostgreSQL, Redis): every TCP connection — fetch, node:http(s), database drivers — goes through
 * `net.Socket.prototype.connect`, which is checked here before any DNS lookup. A refused connection fails with an
 * error and prints one line with BLOCKED_MARKER on stderr, so a test can also fail on what a child process tried.
 *
 * Plain JavaScript so that any process can load it: the test process (setup file), and each process the tests spawn,
 * through `NODE_OPTIONS=--import=<this file>` (see `loopbackOnlyNodeOptions` in tests/setup/no-network.ts).
 */
import net from "node:net";

export const BLOCKED_MARKER = "[no-network] blocked";

const LOOPBACK_NAMES = new Set(["localhost", "ip6-localhost", "ip6-loopback"]);

/** Whether a host names this machine: localhost, 127.0.0.0/8, ::1 (or its IPv4-mapped form). */
export function isLoopbackHost(host) {
  if (host === undefined || host === null || host === "") return true; // Node connects to localhost by default
  const bare = String(host)
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (LOOPBACK_NAMES.has(bare)) return true;
  if (bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  return net.isIPv4(v4) && v4.startsWith("127.");
}

function target(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return target(first); // internal normalized form: [options, callback]
  if (typeof first === "object" && first !== null) {
    if (first.path) return { local: true };
    return { host: first.host, port: first.port };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { local: true }; // a Unix socket path
  return { host: typeof second === "string" ? second : undefined, port: first };
}

const marker = Symbol.for("cohort.loopbackOnly");
if (!net.Socket.prototype[marker]) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const where = target(args);
    if (!where.local && !isLoopbackHost(where.host)) {
      const message = `${BLOCKED_MARKER} a connection to ${where.host}:${where.port}: tests may reach the local Shopify and loopback services only`;
      process.stderr.write(`${message}\n`);
      const error = new Error(message);
      error.code = "ECONNREFUSED";
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
  Object.defineProperty(net.Socket.prototype, marker, { value: true });
}
