import { describe, expect, it } from "vitest";
import { checkSegmentTag, defaultSegmentTag } from "../../../../app/domain/tagging/segment-tag.js";
import { splitTagText, tagKey } from "../../../../app/domain/tagging/tag-key.js";

describe("a segment's tag", () => {
  it("given a segment name, then the default tag is cohort: and a slug of it", () => {
    expect(defaultSegmentTag("VIP: top 10%", "seg_1")).toBe("cohort:vip-top-10");
    expect(defaultSegmentTag("Clientes fiéis", "seg_1")).toBe("cohort:clientes-fieis");
    expect(defaultSegmentTag("⭐⭐", "seg_9")).toBe("cohort:seg_9");
    expect([...defaultSegmentTag("a".repeat(400), "s")].length).toBeLessThanOrEqual(255);
  });

  it("given tags Shopify refuses or splits, then each is an error with its code", () => {
    expect(checkSegmentTag("   ", [])).toMatchObject({ ok: false, error: { code: "empty" } });
    expect(checkSegmentTag("x".repeat(256), [])).toMatchObject({ ok: false, error: { code: "too-long" } });
    expect(checkSegmentTag("vip, gold", [])).toMatchObject({
      ok: false,
      error: { code: "comma", hint: expect.any(String) },
    });
    expect(checkSegmentTag("vip\u0007", [])).toMatchObject({ ok: false, error: { code: "control-character" } });
    expect(checkSegmentTag("x".repeat(255), [])).toMatchObject({ ok: true });
  });

  it("given another segment's tag in other case or spacing, then it is taken", () => {
    expect(checkSegmentTag("Cohort:VIP", ["cohort:vip"])).toMatchObject({ ok: false, error: { code: "taken" } });
    expect(checkSegmentTag(" cohort:  at  risk ", ["cohort: at risk"])).toMatchObject({ ok: false });
    expect(checkSegmentTag("  cohort:gold  ", ["cohort:vip"])).toEqual({ ok: true, tag: "cohort:gold" });
  });

  it("given tag text, then keys fold case and spacing and splitting follows Shopify's commas", () => {
    expect(tagKey(" VIP  Gold ")).toBe("vip gold");
    expect(tagKey("Ärger")).toBe(tagKey("ärger"));
    expect(splitTagText("blue, green ,, red")).toEqual(["blue", "green", "red"]);
  });
});
