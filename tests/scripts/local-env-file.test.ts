import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../app/env.server.js";
import { loadEnvFile, writeLocalEnvFile } from "../../scripts/local-env-file.js";
import { localAppEnv } from "../../scripts/local-shopify.js";

const envPath = () => join(mkdtempSync(join(tmpdir(), "cohort-env-")), ".env");
const local = localAppEnv({
  appUrl: "http://127.0.0.1:3000",
  emulatorUrl: "http://127.0.0.1:4500",
  databaseUrl: "file:./data/cohort.db",
});

describe("the .env npm run dev writes for npm run cohort", () => {
  it("given the local app environment, when written and loaded into an empty environment, then it is the app's whole valid environment", () => {
    const path = envPath();
    expect(writeLocalEnvFile(path, local)).toBe("written");

    const loaded: Record<string, string | undefined> = {};
    loadEnvFile(path, loaded);

    expect(loaded).toEqual(local);
    expect(() => parseEnv(loaded)).not.toThrow();
  });

  it("given the same environment again, when written, then the file is unchanged; given another, then it is rewritten", () => {
    const path = envPath();
    writeLocalEnvFile(path, local);
    expect(writeLocalEnvFile(path, local)).toBe("unchanged");
    expect(writeLocalEnvFile(path, { ...local, SHOPIFY_APP_URL: "http://127.0.0.1:3100" })).toBe("written");
    expect(readFileSync(path, "utf8")).toContain("SHOPIFY_APP_URL=http://127.0.0.1:3100\n");
  });

  it("given a developer's own .env, when npm run dev writes, then it is kept as it is", () => {
    const path = envPath();
    writeFileSync(path, "SHOPIFY_API_KEY=my-real-app\n");
    expect(writeLocalEnvFile(path, local)).toBe("kept");
    expect(readFileSync(path, "utf8")).toBe("SHOPIFY_API_KEY=my-real-app\n");
  });

  it("given variables the shell sets, when the .env is loaded, then the shell's win and only unset or empty ones are filled", () => {
    const path = envPath();
    writeFileSync(path, 'A=from-file\nB=from-file\nC="with spaces # and a hash"\n');
    const target: Record<string, string | undefined> = { A: "from-shell", B: "" };

    expect(loadEnvFile(path, target).sort()).toEqual(["B", "C"]);
    expect(target).toEqual({ A: "from-shell", B: "from-file", C: "with spaces # and a hash" });
  });

  it("given no .env, when loaded, then nothing is set", () => {
    expect(loadEnvFile(envPath(), {})).toEqual([]);
  });
});
