import { candidateValue } from "./discount-value.js";
import { qualifyingConfiguration } from "./eligibility.js";
import type { CartInput, CartLinesDiscountsGenerateRunResult } from "./types.js";

const NO_DISCOUNT: CartLinesDiscountsGenerateRunResult = { operations: [] };

/**
 * An order discount when the discount has the ORDER class, else a discount on every line when it has PRODUCT;
 * never both, so one configured discount is given once.
 */
export function cartLinesDiscountsGenerateRun(input: CartInput): CartLinesDiscountsGenerateRunResult {
  const configuration = qualifyingConfiguration(input);
  if (configuration === null) return NO_DISCOUNT;
  const value = candidateValue(configuration.value, input.presentmentCurrencyRate);
  if (value === null) return NO_DISCOUNT;
  const message = configuration.message ?? undefined;
  const classes = input.discount.discountClasses;

  if (classes.includes("ORDER")) {
    return {
      operations: [
        {
          orderDiscountsAdd: {
            selectionStrategy: "FIRST",
            candidates: [{ message, targets: [{ orderSubtotal: { excludedCartLineIds: [] } }], value }],
          },
        },
      ],
    };
  }
  if (classes.includes("PRODUCT") && input.cart.lines.length > 0) {
    return {
      operations: [
        {
          productDiscountsAdd: {
            selectionStrategy: "FIRST",
            candidates: [{ message, targets: input.cart.lines.map((line) => ({ cartLine: { id: line.id } })), value }],
          },
        },
      ],
    };
  }
  return NO_DISCOUNT;
}
