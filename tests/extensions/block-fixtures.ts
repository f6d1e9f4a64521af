import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Translate } from "../../extensions/cohort-customer-block/src/block-view.js";

const LOCALE = JSON.parse(
  readFileSync(join(process.cwd(), "extensions", "cohort-customer-block", "locales", "en.default.json"), "utf8"),
) as Record<string, unknown>;

/** Shopify's i18n.translate over the block's locales/en.default.json: dotted keys, `{{name}}` placeholders. */
export const translate: Translate = (key, replacements = {}) => {
  const found = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], LOCALE);
  if (typeof found !== "string") throw new Error(`no translation for ${key}`);
  return found.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    if (!(name in replacements)) throw new Error(`no value for {{${name}}} in ${key}`);
    return String(replacements[name]);
  });
};
