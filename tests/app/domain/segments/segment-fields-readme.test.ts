import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SEGMENT_FIELDS } from "../../../../app/domain/segments/segment-fields.js";
import { SEGMENT_TEMPLATES } from "../../../../app/domain/segments/segment-templates.js";

const README = readFileSync(resolve(import.meta.dirname, "../../../../README.md"), "utf8");
const section = README.slice(README.indexOf("## Segments"), README.indexOf("\n## ", README.indexOf("## Segments") + 1));

describe("the README's segment section", () => {
  it("given the field catalog, when the README is read, then every field has its row", () => {
    const missing = SEGMENT_FIELDS.filter((field) => !section.includes(`| \`${field.name}`)).map((field) => field.name);
    expect(missing).toEqual([]);
  });

  it("given the templates, when the README is read, then each is named", () => {
    const text = section.replace(/\s+/g, " ").toLowerCase();
    const named = SEGMENT_TEMPLATES.filter((template) => !text.includes(template.name.toLowerCase().split(":")[0]!));
    expect(named.map((template) => template.id)).toEqual([]);
  });
});
