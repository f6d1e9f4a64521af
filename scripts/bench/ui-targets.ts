/**
 * The targets `npm run bench -- ui` judges its figures against (Core Web Vitals' "good" thresholds): LCP and CLS of
 * every admin page, INP of the segment editor, on the demo store and on the 100,000-customer store. A store this run
 * did not measure (or measured at another size) leaves its targets "not measured", never met (targets.ts judges).
 */
import { judgeTargets, type Judgement, type Target } from "./targets.js";

export interface UiPage {
  id: string;
  title: string;
}

/** The admin pages measured, in the order the merchant meets them. */
export const UI_PAGES: readonly UiPage[] = [
  { id: "dashboard", title: "dashboard (/app)" },
  { id: "segments", title: "segments list" },
  { id: "editor", title: "segment editor (new)" },
  { id: "segment", title: "segment page" },
  { id: "customer", title: "customer page" },
  { id: "activity", title: "activity" },
  { id: "settings", title: "settings" },
];

export type UiStoreKind = "demo" | "large";
export const LARGE_STORE_CUSTOMERS = 100_000;

/** One page's figures on one store: the median of its loads. */
export interface UiPageFigures {
  page: string;
  lcpMs: number | null;
  cls: number | null;
}

export interface UiStoreFigures {
  store: UiStoreKind;
  customers: number;
  pages: readonly UiPageFigures[];
  /** The longest interaction while typing a query into the editor's query box. */
  typingInpMs: number | null;
  /** The longest interaction while the editor's preview updates after each change. */
  previewInpMs: number | null;
}

export interface UiFigures {
  stores: readonly UiStoreFigures[];
}

export interface UiJudgement extends Judgement {
  /** measured ÷ limit: above 1 is over the target. */
  ratio: number | null;
}

const VITALS = 'Core Web Vitals\' "good" thresholds (issue 14)';
const STORE_TITLES: Record<UiStoreKind, string> = {
  demo: "the demo store",
  large: `the ${LARGE_STORE_CUSTOMERS.toLocaleString("en-US")}-customer store`,
};

const storeOf = (store: UiStoreKind) => (figures: UiFigures) =>
  figures.stores.find((run) => run.store === store && (store === "demo" || run.customers === LARGE_STORE_CUSTOMERS));
const pageOf = (store: UiStoreKind, page: string) => (figures: UiFigures) =>
  storeOf(store)(figures)?.pages.find((figure) => figure.page === page);

export const UI_TARGETS: readonly Target<UiFigures>[] = (["demo", "large"] as const).flatMap(
  (store): Target<UiFigures>[] => [
    ...UI_PAGES.flatMap((page): Target<UiFigures>[] => [
      {
        id: `lcp-${store}-${page.id}`,
        what: `LCP of the ${page.title}, ${STORE_TITLES[store]} (median of 3 loads)`,
        source: VITALS,
        comparison: "at most",
        limit: 2500,
        unit: "ms",
        measure: (figures) => pageOf(store, page.id)(figures)?.lcpMs,
      },
      {
        id: `cls-${store}-${page.id}`,
        what: `CLS of the ${page.title}, ${STORE_TITLES[store]} (median of 3 loads)`,
        source: VITALS,
        comparison: "at most",
        limit: 0.1,
        unit: "",
        measure: (figures) => pageOf(store, page.id)(figures)?.cls,
      },
    ]),
    {
      id: `inp-typing-${store}`,
      what: `INP typing a query into the editor's query box, ${STORE_TITLES[store]}`,
      source: VITALS,
      comparison: "below",
      limit: 200,
      unit: "ms",
      measure: (figures) => storeOf(store)(figures)?.typingInpMs,
    },
    {
      id: `inp-preview-${store}`,
      what: `INP while the editor's preview updates, ${STORE_TITLES[store]}`,
      source: VITALS,
      comparison: "below",
      limit: 200,
      unit: "ms",
      measure: (figures) => storeOf(store)(figures)?.previewInpMs,
    },
  ],
);

export function judgeUi(figures: UiFigures): UiJudgement[] {
  return judgeTargets(figures, UI_TARGETS).map((judgement) => {
    const limit = UI_TARGETS.find((target) => target.id === judgement.id)!.limit;
    return {
      ...judgement,
      ratio: judgement.measured === null ? null : Number((judgement.measured / limit).toFixed(2)),
    };
  });
}

/** The median of the loads that measured something; null when none did. */
export function median(values: readonly (number | null)[]): number | null {
  const measured = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (measured.length === 0) return null;
  const middle = Math.floor(measured.length / 2);
  return measured.length % 2 === 1 ? measured[middle]! : (measured[middle - 1]! + measured[middle]!) / 2;
}

/** The longest interaction among event-timing entries (those without an interactionId are not interactions). */
export function longestInteraction(entries: readonly { interactionId: number; duration: number }[]): number | null {
  const durations = entries.filter((entry) => entry.interactionId > 0).map((entry) => entry.duration);
  return durations.length === 0 ? null : Math.max(...durations);
}
