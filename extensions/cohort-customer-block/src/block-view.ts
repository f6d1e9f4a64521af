import type { BlockState } from "./load-summary.js";
import type { CustomerSegmentsSummary } from "./summary.js";

/**
 * The block as a tree of Polaris web components (`s-admin-block`, `s-stack`, …): BlockExtension.tsx hands it to
 * Preact as it is, and tests render the same tree to HTML. Keeping it plain data keeps the block testable without
 * Shopify's admin.
 */
export interface BlockElement {
  tag: `s-${string}`;
  props: Record<string, string | number | boolean>;
  children: BlockNode[];
}
export type BlockNode = BlockElement | string;

/** Shopify's i18n.translate: `{{name}}` placeholders from locales/en.default.json. */
export type Translate = (key: string, replacements?: Record<string, string | number>) => string;

/** The admin block starts at 300 px tall; more badges than this collapse into "+N more". */
export const MAX_SEGMENT_BADGES = 8;

const el = (tag: BlockElement["tag"], props: BlockElement["props"], ...children: BlockNode[]): BlockElement => ({
  tag,
  props,
  children,
});

/** The app's page explaining the customer's segments (app/routes/app.customers.$id.tsx). */
export function whyHref(customerId: string): string {
  // `app:` resolves against the app's URL inside the admin: this opens /app/customers/<id> embedded.
  return `app:app/customers/${customerId}`;
}

function scores(summary: CustomerSegmentsSummary, t: Translate): BlockNode[] {
  if (summary.rfm === null) {
    return [el("s-text", { color: "subdued" }, t(summary.scoredAt === null ? "notScored" : "noOrders"))];
  }
  const { recency, frequency, monetary, group } = summary.rfm;
  return [
    el(
      "s-stack",
      { direction: "inline", gap: "small-200", alignItems: "center" },
      el("s-text", { type: "strong" }, t("rfmLabel")),
      el("s-badge", { tone: "info" }, t(`group.${group}`)),
      el("s-text", {}, t("rfmScores", { recency, frequency, monetary })),
    ),
  ];
}

function segments(summary: CustomerSegmentsSummary, t: Translate): BlockNode[] {
  if (summary.segments.length === 0) return [el("s-text", { color: "subdued" }, t("noSegments"))];
  const shown = summary.segments.slice(0, MAX_SEGMENT_BADGES).map((segment) => el("s-badge", {}, segment.name));
  const hidden = summary.segments.length - shown.length;
  return [
    el(
      "s-stack",
      { direction: "inline", gap: "small-200", alignItems: "center" },
      el("s-text", { type: "strong" }, t("segmentsLabel")),
      ...shown,
      ...(hidden > 0 ? [el("s-text", { color: "subdued" }, t("moreSegments", { count: hidden }))] : []),
    ),
  ];
}

export function blockView(state: BlockState, t: Translate): BlockElement {
  const block = (...children: BlockNode[]) => el("s-admin-block", { heading: t("heading") }, ...children);
  if (state.status === "loading") return block(el("s-spinner", { accessibilityLabel: t("loading") }));
  if (state.status === "error") return block(el("s-banner", { tone: "critical" }, t("error")));
  const { summary } = state;
  if (!summary.known) return block(el("s-text", { color: "subdued" }, t("unknown")));
  return block(
    el(
      "s-stack",
      { direction: "block", gap: "base" },
      ...segments(summary, t),
      ...scores(summary, t),
      ...(summary.spendPercentile === null
        ? []
        : [el("s-text", {}, t("spendPercentile", { percentile: summary.spendPercentile }))]),
      el("s-link", { href: whyHref(summary.customerId) }, t("why")),
    ),
  );
}
