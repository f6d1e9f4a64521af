/**
 * The `.env` that `npm run dev` writes and `npm run cohort` reads: the local environment the app runs with, so the
 * command line works against the local Shopify from a fresh shell. It lives in the repository root (gitignored),
 * the directory `npm run` runs every script in.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseEnv } from "node:util";

export const ENV_FILE_NAME = ".env";

const HEADER = [
  "# Written by `npm run dev`: the environment it gives the app against the local Shopify, read by `npm run cohort`.",
  "# npm run dev rewrites it; delete this header to keep your own values (it then leaves the file alone).",
];

/** `NAME=value` lines; a value is quoted only when it holds something `.env` parsers read specially. */
export function envFileText(variables: Record<string, string>): string {
  const lines = Object.entries(variables).map(([name, value]) =>
    /^[\w.:/,@+=?&%-]*$/.test(value) ? `${name}=${value}` : `${name}=${JSON.stringify(value)}`,
  );
  return [...HEADER, ...lines, ""].join("\n");
}

function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export type EnvFileWrite = "written" | "unchanged" | "kept";

/**
 * Writes the local environment to `path`, unless the file there was not written by `npm run dev` (a developer's
 * own `.env`, perhaps for a real store): that one is kept.
 */
export function writeLocalEnvFile(path: string, variables: Record<string, string>): EnvFileWrite {
  const existing = readIfPresent(path);
  const text = envFileText(variables);
  if (existing === text) return "unchanged";
  if (existing !== null && !existing.startsWith(HEADER[0]!)) return "kept";
  writeFileSync(path, text);
  return "written";
}

/**
 * Sets the variables of the `.env` at `path` that the environment lacks (unset or empty): what the shell sets wins.
 * A missing file sets nothing. Returns the names it set.
 */
export function loadEnvFile(path: string, target: Record<string, string | undefined> = process.env): string[] {
  const text = readIfPresent(path);
  if (text === null) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (value === undefined || (target[name] !== undefined && target[name] !== "")) continue;
    target[name] = value;
    set.push(name);
  }
  return set;
}
