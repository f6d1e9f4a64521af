/** The app's navigation menu (App Bridge NavMenu), in English. */
export const navigation = {
  overview: "Overview",
  segments: "Segments",
  activity: "Activity",
  settings: "Settings",
  privacy: "Privacy requests",
} as const;
