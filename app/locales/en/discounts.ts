/** Discounts made from a segment (service field errors and warnings, the CLI), in English. */
export const discounts = {
  needsTag: "Turn on tagging for this segment first: the Shopify segment behind a discount matches its tag.",
  emptyTag: (tag: string) =>
    `No customer carries the tag "${tag}" yet: the discount is live but nobody can use it until the segment tags its members.`,
  valueRequired: "Enter the discount's value.",
  percentRange: "A percentage is more than 0 and at most 100.",
  amountPositive: "A fixed amount is more than 0.",
  codeRequired: "A code discount needs a code.",
  codeShape: "A code is 1 to 255 characters without line breaks.",
  codeNotForAutomatic: "Automatic discounts have no code.",
  codeNotForFunction: "A tag discount applies automatically: it has no code.",
  notForFunction:
    "A tag discount is given by Cohort's discount Function to every tagged buyer: it takes no minimum subtotal, usage limit or once-per-customer rule.",
  endsBeforeStart: "The end date must be after the start date.",
  minimumSubtotal: "The minimum subtotal is 0 or more.",
  usageLimit: "The usage limit is a whole number of at least 1.",
  segmentLimit: "Shopify's segment limit is reached: delete a segment in Shopify to make discounts for new ones.",
  shopifyRefused: (message: string) => `Shopify refused it: ${message}`,
} as const;
