import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Frame, type FrameLocator } from "playwright-core";

/**
 * Debian's Chromium, never a downloaded browser. Where none is installed the browser tests skip with one line;
 * in CI (where .ci/run installs it) a missing Chromium fails the run.
 */
export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export function requireChromiumOrSkip(): string | null {
  const path = chromiumPath();
  if (!path) {
    if (process.env.CI) throw new Error("Chromium is required in CI (.ci/run installs Debian's chromium)");
    console.warn("[browser tests] skipped: no Chromium installed (apt-get install -y chromium)");
  }
  return path;
}

export async function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Resolves once the app's page in the frame has hydrated (app/root.tsx marks it): only then does typing reach React. */
export async function appHydrated(frame: Frame | FrameLocator, timeout = 30_000): Promise<void> {
  await frame.locator("html[data-hydrated]").waitFor({ state: "attached", timeout });
}
