import { describe, expect, it } from "vitest";
import { compileSearch, parseSearchQuery, parseSearchTime, UnsupportedSearchFieldError } from "./search-query.js";
import { customerSearch } from "./resolvers/search-specs.js";

const now = () => new Date("2026-06-01T00:00:00.000Z");

describe("parseSearchQuery", () => {
  it("given juxtaposed terms, when parsed, then they are ANDed", () => {
    expect(parseSearchQuery("tag:vip state:ENABLED")).toEqual({
      kind: "and",
      children: [
        { kind: "term", field: "tag", comparator: ":", value: "vip", quoted: false },
        { kind: "term", field: "state", comparator: ":", value: "ENABLED", quoted: false },
      ],
    });
  });

  it("given OR and AND, when parsed, then AND binds tighter", () => {
    const tree = parseSearchQuery("a OR b AND c");
    expect(tree).toMatchObject({ kind: "or", children: [{ kind: "term", value: "a" }, { kind: "and" }] });
  });

  it("given comparators, quotes, negation and groups, when parsed, then each is kept", () => {
    expect(parseSearchQuery(`updated_at:>'2024-01-01T00:00:00Z'`)).toEqual({
      kind: "term",
      field: "updated_at",
      comparator: ">",
      value: "2024-01-01T00:00:00Z",
      quoted: true,
    });
    expect(parseSearchQuery(`id:>=123`)).toMatchObject({ comparator: ">=", value: "123" });
    expect(parseSearchQuery(`-tag:x`)).toEqual({
      kind: "not",
      child: { kind: "term", field: "tag", comparator: ":", value: "x", quoted: false },
    });
    expect(parseSearchQuery(`NOT tag:x`)).toMatchObject({ kind: "not", child: { field: "tag" } });
    expect(parseSearchQuery(`state:DISABLED -(tag:VIP OR tag:referral)`)).toMatchObject({
      kind: "and",
      children: [{ field: "state" }, { kind: "not", child: { kind: "or" } }],
    });
    expect(parseSearchQuery(`"Bob Norman"`)).toEqual({
      kind: "term",
      field: null,
      comparator: ":",
      value: "Bob Norman",
      quoted: true,
    });
    expect(parseSearchQuery("   ")).toBeNull();
  });
});

describe("compileSearch", () => {
  it("given a field Shopify does not know for the connection, when compiled, then it is dropped with Shopify's warning", () => {
    const compiled = compileSearch(parseSearchQuery("made_up:value tag:vip"), customerSearch(now));
    expect(compiled.warnings).toEqual([
      { field: "made_up", message: "Invalid search field for this query.", code: "invalid_field" },
    ]);
    expect(compiled.where?.sql).toContain("json_each");
  });

  it("given a field Shopify knows but the local Shopify does not implement, when compiled, then it throws loudly", () => {
    expect(() => compileSearch(parseSearchQuery("order_date:>2024-01-01"), customerSearch(now))).toThrow(
      UnsupportedSearchFieldError,
    );
  });
});

describe("parseSearchTime", () => {
  it("given a date, a year, a timestamp and now, when parsed, then each names its period", () => {
    expect(parseSearchTime("2024-01-01", now())).toEqual({
      start: "2024-01-01T00:00:00.000Z",
      end: "2024-01-02T00:00:00.000Z",
    });
    expect(parseSearchTime("2024", now())).toEqual({
      start: "2024-01-01T00:00:00.000Z",
      end: "2025-01-01T00:00:00.000Z",
    });
    expect(parseSearchTime("2024-01-01T00:00:00Z", now())?.start).toBe("2024-01-01T00:00:00.000Z");
    expect(parseSearchTime("now", now())?.start).toBe("2026-06-01T00:00:00.000Z");
    expect(parseSearchTime("yesterdayish", now())).toBeNull();
  });
});
