import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loopbackOnlyNodeOptions } from "../setup/loopback-only-options.js";

/** Runs `npm run cohort` as a fresh shell would, for the command line's tests. */
const ROOT = resolve(import.meta.dirname, "..", "..");
const TSX = resolve(ROOT, "node_modules/.bin/tsx");
const CLI = resolve(ROOT, "scripts/cohort.ts");

export const VALID_ENV = {
  SHOPIFY_API_KEY: "cli-test-key",
  SHOPIFY_API_SECRET: "cli-test-secret",
  SHOPIFY_APP_URL: "http://127.0.0.1:9",
  SCOPES: "read_customers,read_orders",
  SHOPIFY_EMULATOR_URL: "http://127.0.0.1:9",
};

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A fresh shell: nothing of this process's environment but PATH and the no-network guard (NODE_OPTIONS), run in
 * an empty directory whose `.env` the test writes. The app reads prisma/ and app/generated from the current
 * directory, as from the repository root under `npm run`: the directory links to them.
 */
export function workDirectory(envFile?: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "cohort-cli-"));
  mkdirSync(join(directory, "app"));
  symlinkSync(resolve(ROOT, "app/generated"), join(directory, "app/generated"));
  symlinkSync(resolve(ROOT, "prisma"), join(directory, "prisma"));
  if (envFile) {
    writeFileSync(
      join(directory, ".env"),
      Object.entries(envFile)
        .map(([name, value]) => `${name}=${value}\n`)
        .join(""),
    );
  }
  return directory;
}

export function cohort(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  return new Promise((resolveRun) => {
    execFile(
      TSX,
      [CLI, ...args],
      {
        cwd: options.cwd,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_OPTIONS: loopbackOnlyNodeOptions(),
          // Typed as required; development is what the app assumes when a fresh shell leaves it unset.
          NODE_ENV: "development",
          ...options.env,
        },
        timeout: 25_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}

export const stackLines = (output: string) => output.split("\n").filter((line) => /^\s+at /.test(line));
export const lines = (output: string) => output.split("\n").filter(Boolean);
