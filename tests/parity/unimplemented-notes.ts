/**
 * Why each scenario the local Shopify cannot replay yet stays so, for the domains Cohort uses (orders, customers,
 * bulk operations, tags). A test fails when one of those domains has a failing or unreplayable scenario with no
 * verdict here or in failure-notes.ts; `npm run parity` copies the reason into the report.
 */
export interface UnimplementedNote {
  /** "not needed": Cohort never sends it; "later": worth doing when the named issue needs it. */
  kind: "not needed" | "later";
  why: string;
}

/** The capture domains of the API surface Cohort calls (tags are filed under products). */
export const DOMAINS_COHORT_USES = [
  "bulk-operations",
  "customers",
  "discounts",
  "orders",
  "products",
  "segments",
] as const;

export const UNIMPLEMENTED_NOTES: Readonly<Record<string, UnimplementedNote>> = {
  "bulk-operation-cold-catalog-hydration": {
    kind: "not needed",
    why:
      "Its target is a product-catalog export checked against Shopify's stored result file; Cohort exports " +
      "customers, orders and product collections, whose result files the backfill tests read end to end.",
  },
  "bulk-operation-node-read-after-write": {
    kind: "not needed",
    why: "Its setup creates products with productCreate, a mutation Cohort never sends.",
  },
  "bulk-operation-root-count-and-search-filters": {
    kind: "not needed",
    why:
      "Its setup creates products and media (productCreate, productCreateMedia, productVariantsBulkUpdate) and its " +
      "target is a nested product export: none of it is Cohort's API surface.",
  },
  "bulk-operation-run-mutation-created-status": {
    kind: "not needed",
    why:
      "Its bulk mutation is productCreate, which the local Shopify does not resolve (Cohort never creates products), " +
      "and its result-row target needs the harness to fetch result files (`proxyHttpRequest`). The same path with " +
      "tagsAdd/tagsRemove (CREATED, counts, result rows with __lineNumber) is covered by " +
      "tests/shopify-emulator/bulk/mutation.test.ts and tests/integration/tag-writers.test.ts.",
  },
  "bulk-operation-run-query-created-status": {
    kind: "later",
    why:
      "The run payload is covered by bulk-operation-run-query-validators and -operation-in-progress (passing); the " +
      "target left is the captured result artifact at Shopify's signed storage URL, which a replay cannot fetch. " +
      "Replaying it needs the harness to serve captured artifacts (useful when the tags issue adds bulk tag reads).",
  },
  "customer-order-summary-read-effects": {
    kind: "later",
    why:
      "Its setup moves orders between customers with customerCreate, orderCustomerSet and orderCustomerRemove, " +
      "which Cohort never sends (tests make customers and orders through the local Shopify's control API). The " +
      "effect it checks, a customer's order summary after an order changes hands, is what reconciliation reads: " +
      "implement the three mutations when the segments issue needs moved orders replayed.",
  },
  "customer-tag-note-limits-parity": {
    kind: "later",
    why:
      "It drives customerCreate / customerSet / customerUpdate, which Cohort must never use for tags (they replace " +
      "the whole list). Its tag limits matter to the tags issue, which replays them through tagsAdd instead.",
  },
  "customers-keyed-search-filters": {
    kind: "later",
    why:
      "Only its setup needs customerCreate; the filter Cohort sends (updated_at ranges) passes in " +
      "customers-search-read and customers-advanced-search-read. The other keyed filters matter once segments read " +
      "Shopify's own search (not planned).",
  },
  "order-create-line-item-fields": {
    kind: "not needed",
    why: "orderCreate: Cohort never creates orders; tests create them through the local Shopify's control API.",
  },
  "order-create-live-parity": {
    kind: "not needed",
    why: "orderCreate: Cohort never creates orders; tests create them through the local Shopify's control API.",
  },
  "tags-normalization-live-parity": {
    kind: "later",
    why:
      "Its setup is productCreate; the normalisation it checks (trim, case-folded duplicates) is applied by the " +
      "local Shopify's tagsAdd and passes in tags-add-live-parity. Replay it when product tags matter.",
  },
  "tags-add-multi-resource": {
    kind: "not needed",
    why: "tagsAdd on articles and draft orders: Cohort tags customers only (customer tags pass in tags-add-live-parity).",
  },
  "customer-segment-members-query-create-direct-query-grammar": {
    kind: "not needed",
    why: "customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to. The grammar errors it shows are those segmentCreate gives (passing in segment-create-update-query-grammar).",
  },
  "customer-segment-members-query-create-segment-id-paths": {
    kind: "not needed",
    why: "customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to.",
  },
  "customer-segment-members-query-create-validation-and-shape": {
    kind: "not needed",
    why: "customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to.",
  },
  "customer-segment-members-query-lifecycle": {
    kind: "not needed",
    why: "customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to.",
  },
  "segment-authoritative-prerequisites": {
    kind: "not needed",
    why: "customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to. Its segmentCreate/segment reads are covered by segment-payload-non-null-fields (passing).",
  },
  "segment-query-grammar-not-contains": {
    kind: "later",
    why: "Its segmentCreate with `customer_tags NOT CONTAINS` is accepted here; the member query after it is customerSegmentMembersQueryCreate (customerSegmentMembersQuery(Create) and customerSegmentMembers: Cohort evaluates segments itself and never asks Shopify for a segment's members; it only creates the segment a discount is limited to.).",
  },
  "segment-staged-catalog-roots": {
    kind: "not needed",
    why: "segmentFilters / segmentFilterSuggestions / segmentValueSuggestions / segmentMigrations drive Shopify's segment editor; Cohort writes one fixed query shape (customer_tags CONTAINS).",
  },
  "segments-baseline-read": {
    kind: "not needed",
    why: "Beside segments/segment/segmentsCount (resolved here) it reads the segment editor's catalog roots (segmentFilters, \u2026, segmentMigrations), which Cohort never sends.",
  },
  "segments-user-errors-shape": {
    kind: "later",
    why: "Its segmentCreate/segmentUpdate/segmentDelete userError targets are what the local Shopify answers (same texts as the passing segment-update-unknown-id-validation and segment-create-name-failure scenarios); the replay stops at customerSegmentMembersQueryCreate, which Cohort never sends.",
  },
  "discount-app-function-validation": {
    kind: "later",
    why: "discountAutomaticAppCreate is implemented with these captured Function errors (missing, doubled, unknown handle or id, wrong Function API; tests/shopify-emulator/graphql/resolvers/app-discounts.test.ts), but the scenario also sends discountCodeAppCreate, which Cohort never sends (its tag discount is automatic), and its not-found texts name the capture's app id (347082227713), not the local app's.",
  },
  "discount-context-customer-selection-conflict": {
    kind: "not needed",
    why: 'Its setup and targets use BXGY and app discounts (discountCodeBxgyCreate/Update, discountCodeAppCreate). The conflict rule itself ("Only one of context or customerSelection can be provided.") is implemented for the basic and free-shipping mutations; Cohort sends only `context`.',
  },
};
