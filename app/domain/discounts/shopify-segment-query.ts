/** The Shopify customer segment query that holds a Cohort segment's members: those carrying its tag. */
export function tagSegmentQuery(tag: string): string {
  return `customer_tags CONTAINS '${tag.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Shopify segment names are unique per shop and at most 255 characters. */
export function shopifySegmentName(cohortSegmentName: string): string {
  return `Cohort: ${cohortSegmentName}`.slice(0, 255);
}
