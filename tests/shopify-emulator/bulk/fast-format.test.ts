import { describe, expect, it } from "vitest";
import { dateTime, decimal } from "../graphql/resolvers/format.js";
import { fastDateTime, fastDecimal } from "./fast-format.js";
import { shopifyJson } from "./fast-writers.js";

/** A small deterministic generator, so a failure names its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

describe("fast formatting", () => {
  it("given random ISO timestamps (day 1–31, with and without milliseconds), when formatted fast, then they equal dateTime", () => {
    const next = random(7);
    for (let index = 0; index < 20_000; index += 1) {
      const year = 1970 + Math.floor(next() * 80);
      const month = 1 + Math.floor(next() * 12);
      const day = 1 + Math.floor(next() * 31);
      const time = `${pad(Math.floor(next() * 24))}:${pad(Math.floor(next() * 60))}:${pad(Math.floor(next() * 60))}`;
      const millis = next() < 0.5 ? `.${pad(Math.floor(next() * 1000), 3)}` : "";
      const iso = `${year}-${pad(month)}-${pad(day)}T${time}${millis}Z`;
      expect(fastDateTime(iso)).toBe(dateTime(iso));
    }
    for (const odd of [null, "2026-06-01", "2026-06-01T00:00:00+02:00", "not a date", "2026-13-01T00:00:00Z"]) {
      expect(fastDateTime(odd)).toBe(dateTime(odd));
    }
  });

  it("given random money amounts, when formatted fast (twice, from the cache), then they equal decimal", () => {
    const next = random(11);
    for (let index = 0; index < 20_000; index += 1) {
      const whole = Math.floor(next() * 100_000);
      const digits = Math.floor(next() * 5);
      const fraction = digits ? `.${String(Math.floor(next() * 10 ** digits)).padStart(digits, "0")}` : "";
      const amount = `${next() < 0.1 ? "-" : ""}${next() < 0.05 ? "0" : ""}${whole}${fraction}`;
      expect(fastDecimal(amount)).toBe(decimal(amount));
      expect(fastDecimal(amount)).toBe(decimal(amount));
    }
  });

  it("given values with slashes, quotes and unicode, when written as JSONL text, then slashes are escaped as Shopify does", () => {
    const value = { id: "gid://shopify/Order/1", note: 'a "b" / c\n\u00e9', list: ["x/y", 1, true, null] };
    expect(shopifyJson(value)).toBe(JSON.stringify(value).replace(/\//g, "\\/"));
  });
});
