/** NODE_OPTIONS that make a child process load the loopback-only guard (tests/setup/loopback-only.mjs) first. */
export function loopbackOnlyNodeOptions(existing = ""): string {
  const flag = `--import=${new URL("./loopback-only.mjs", import.meta.url).href}`;
  return existing.includes(flag) ? existing : `${existing} ${flag}`.trim();
}

/** What the guard prints on stderr when it refuses a connection (kept equal to BLOCKED_MARKER in the .mjs). */
export const BLOCKED_MARKER = "[no-network] blocked";
