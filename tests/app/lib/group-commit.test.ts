import { describe, expect, it } from "vitest";
import { groupCommit } from "../../../app/lib/group-commit.js";

describe("group commit", () => {
  it("given calls made in one turn, when written, then they share one write and each gets its own result", async () => {
    const batches: number[][] = [];
    const write = groupCommit(
      async (items: number[]) => {
        batches.push(items);
        return items.map((item) => item * 10);
      },
      { maxConcurrent: 1, maxBatch: 100 },
    );
    expect(await Promise.all([1, 2, 3].map(write))).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("given a write in progress, when more calls arrive, then they wait for it and are written together after it", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit(
      async (items: number[]) => {
        batches.push(items);
        if (batches.length === 1) await firstWrite;
        return items;
      },
      { maxConcurrent: 1, maxBatch: 100 },
    );
    const first = write(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map(write);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("given more calls than a batch holds, when written, then batches are capped and run up to the concurrency", async () => {
    const batches: number[][] = [];
    let running = 0;
    let mostRunning = 0;
    const write = groupCommit(
      async (items: number[]) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        batches.push(items);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return items;
      },
      { maxConcurrent: 2, maxBatch: 3 },
    );
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(await Promise.all(items.map(write))).toEqual(items);
    expect(batches.every((batch) => batch.length <= 3)).toBe(true);
    expect(batches.flat()).toEqual(items);
    expect(mostRunning).toBe(2);
  });

  it("given a batch whose write fails because of one item, when retried, then only that item's call fails", async () => {
    const write = groupCommit(
      async (items: number[]) => {
        if (items.includes(2)) throw new Error("bad item 2");
        return items;
      },
      { maxConcurrent: 1, maxBatch: 100 },
    );
    const results = await Promise.allSettled([1, 2, 3].map(write));
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("bad item 2"));
  });
});
