import { describe, expect, it } from "vitest";
import { copyText } from "../../scripts/bench/insert-ceiling.js";

describe("the PostgreSQL insert ceiling's COPY text", () => {
  it("given nulls, booleans, bigints and text with tabs, newlines and backslashes, when written, then COPY reads each field back whole", () => {
    expect(copyText([["shop", null, true, false, 1234567890123n, 7, "a\tb\nc\\d\re\u0000f"]])).toBe(
      "shop\t\\N\tt\tf\t1234567890123\t7\ta\\tb\\nc\\\\d\\ref\n",
    );
  });
});
