/** Template id → the tag the demo writes for it. */
export const DEMO_TAGS: Readonly<Record<string, string>> = {
  "vip-top-spenders": "cohort:vip",
  champions: "cohort:champions",
  "at-risk": "cohort:at-risk",
};
