/** The form (or CLI flags) of a new discount for a segment, validated before anything is sent to Shopify. */
import { z } from "zod";
import { discounts as text } from "../../locales/en/discounts.js";

const decimal = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/),
  ])
  .transform((value) => Number(value));
const optionalDate = z
  .string()
  .trim()
  .transform((value) => (value === "" ? null : value))
  .pipe(z.string().datetime({ offset: true }).or(z.string().date()).nullable())
  .optional();
const checkbox = z
  .union([z.boolean(), z.enum(["on", "true", "false", ""])])
  .transform((value) => value === true || value === "on" || value === "true")
  .optional();

export const DiscountRequestSchema = z
  .object({
    /** "function": an automatic discount given by Cohort's discount Function to buyers carrying the tag. */
    method: z.enum(["code", "automatic", "function"]),
    kind: z.enum(["percentage", "fixed", "free_shipping"]),
    value: decimal.optional(),
    code: z
      .string()
      .trim()
      .max(255, text.codeShape)
      .regex(/^[^\r\n]*$/, text.codeShape)
      .optional()
      .transform((value) => (value === "" ? undefined : value)),
    title: z.string().trim().max(255).optional(),
    startsAt: optionalDate,
    endsAt: optionalDate,
    minimumSubtotal: z
      .union([z.literal(""), decimal])
      .optional()
      .transform((value) => (value === "" ? undefined : value))
      .refine((value) => value === undefined || value >= 0, text.minimumSubtotal),
    usageLimit: z
      .union([z.literal(""), z.coerce.number()])
      .optional()
      .transform((value) => (value === "" ? undefined : value))
      .refine((value) => value === undefined || (Number.isInteger(value) && value >= 1), text.usageLimit),
    appliesOncePerCustomer: checkbox,
    combinesWithOrderDiscounts: checkbox,
    combinesWithProductDiscounts: checkbox,
    combinesWithShippingDiscounts: checkbox,
  })
  .superRefine((input, ctx) => {
    if (input.kind !== "free_shipping") {
      if (input.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: text.valueRequired });
      else if (input.kind === "percentage" && !(input.value > 0 && input.value <= 100))
        ctx.addIssue({ code: "custom", path: ["value"], message: text.percentRange });
      else if (input.kind === "fixed" && !(input.value > 0))
        ctx.addIssue({ code: "custom", path: ["value"], message: text.amountPositive });
    }
    if (input.method === "code" && !input.code)
      ctx.addIssue({ code: "custom", path: ["code"], message: text.codeRequired });
    if (input.method === "automatic" && input.code)
      ctx.addIssue({ code: "custom", path: ["code"], message: text.codeNotForAutomatic });
    if (input.method === "function") {
      if (input.code) ctx.addIssue({ code: "custom", path: ["code"], message: text.codeNotForFunction });
      if (input.minimumSubtotal !== undefined)
        ctx.addIssue({ code: "custom", path: ["minimumSubtotal"], message: text.notForFunction });
      if (input.usageLimit !== undefined)
        ctx.addIssue({ code: "custom", path: ["usageLimit"], message: text.notForFunction });
      if (input.appliesOncePerCustomer)
        ctx.addIssue({ code: "custom", path: ["appliesOncePerCustomer"], message: text.notForFunction });
    }
    if (input.startsAt && input.endsAt && Date.parse(input.endsAt) <= Date.parse(input.startsAt))
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: text.endsBeforeStart });
  });

export type DiscountRequest = z.infer<typeof DiscountRequestSchema>;
export type DiscountField = keyof z.input<typeof DiscountRequestSchema> | "segment" | "form";
export type FieldErrors = Partial<Record<DiscountField, string>>;

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = (issue.path[0] ?? "form") as DiscountField;
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Shopify's userError path (e.g. ["basicCodeDiscount", "customerGets", "value", "percentage"]) → the form's field. */
export function fieldOfShopifyPath(path: readonly string[] | null): DiscountField {
  const keys = path ?? [];
  const has = (key: string) => keys.includes(key);
  // The tag discount's Function and metafield are Cohort's own choices, not the merchant's fields.
  if (has("metafields") || has("functionHandle") || has("functionId") || has("discountClasses")) return "form";
  if (has("code")) return "code";
  if (has("percentage") || has("discountAmount") || has("value") || has("customerGets")) return "value";
  if (has("endsAt")) return "endsAt";
  if (has("startsAt")) return "startsAt";
  if (has("minimumRequirement")) return "minimumSubtotal";
  if (has("usageLimit")) return "usageLimit";
  if (has("title")) return "title";
  if (has("context") || has("customerSelection")) return "segment";
  return "form";
}
