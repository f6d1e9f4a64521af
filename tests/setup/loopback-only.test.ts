import { execFile } from "node:child_process";
import http from "node:http";
import https from "node:https";
import { createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { BLOCKED_MARKER, loopbackOnlyNodeOptions } from "./loopback-only-options.js";

/** An address no test may reach (TEST-NET-3, never routed): refused before any packet leaves. */
const OUTSIDE = "203.0.113.7";

function requestError(get: typeof http.get, url: string): Promise<Error> {
  return new Promise((resolve, reject) => {
    const request = get(url, () => reject(new Error("the request went through")));
    request.on("error", resolve);
  });
}

describe("the no-network guard", () => {
  it("given the test process, when node:http or node:https reach beyond loopback, then the connection is refused with a clear error", async () => {
    expect((await requestError(http.get, `http://${OUTSIDE}/`)).message).toContain(
      `${BLOCKED_MARKER} a connection to ${OUTSIDE}:80`,
    );
    expect((await requestError(https.get, "https://cdn.shopify.com/x.js")).message).toContain(
      `${BLOCKED_MARKER} a connection to cdn.shopify.com:443`,
    );
  });

  it("given the test process, when it connects to a loopback server, then the connection goes through", async () => {
    const server = createServer((socket) => socket.end("hello"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
    expect(answer, "a loopback connection is not refused by the guard").not.toHaveProperty(
      "cause.message",
      expect.stringContaining(BLOCKED_MARKER),
    );
    server.close();
  });

  it("given a process the tests spawn, when it reaches beyond loopback, then it is refused there too and says so on stderr", async () => {
    const script = `require("node:http").get("http://${OUTSIDE}/").on("error", (e) => { console.log(e.code); });`;
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["-e", script],
        {
          env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", NODE_OPTIONS: loopbackOnlyNodeOptions() },
          timeout: 20_000,
        },
        (error, out, err) => (error ? reject(error) : resolve({ stdout: out, stderr: err })),
      ),
    );
    expect(stdout.trim()).toBe("ECONNREFUSED");
    expect(stderr).toContain(`${BLOCKED_MARKER} a connection to ${OUTSIDE}:80`);
  });

  it("given the test process's own environment, when it spawns a child, then the child inherits the guard", () => {
    expect(process.env.NODE_OPTIONS).toContain(loopbackOnlyNodeOptions());
  });
});
