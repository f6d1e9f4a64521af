import { candidateValue } from "./discount-value.js";
import { qualifyingConfiguration } from "./eligibility.js";
import type { CartDeliveryOptionsDiscountsGenerateRunResult, DeliveryInput } from "./types.js";

const NO_DISCOUNT: CartDeliveryOptionsDiscountsGenerateRunResult = { operations: [] };

/** The configured discount on every delivery group, when the discount has the SHIPPING class. */
export function cartDeliveryOptionsDiscountsGenerateRun(
  input: DeliveryInput,
): CartDeliveryOptionsDiscountsGenerateRunResult {
  if (!input.discount.discountClasses.includes("SHIPPING")) return NO_DISCOUNT;
  const configuration = qualifyingConfiguration(input);
  if (configuration === null || input.cart.deliveryGroups.length === 0) return NO_DISCOUNT;
  const value = candidateValue(configuration.value, input.presentmentCurrencyRate);
  if (value === null) return NO_DISCOUNT;
  return {
    operations: [
      {
        deliveryDiscountsAdd: {
          selectionStrategy: "ALL",
          candidates: [
            {
              message: configuration.message ?? undefined,
              targets: input.cart.deliveryGroups.map((group) => ({ deliveryGroup: { id: group.id } })),
              value,
            },
          ],
        },
      },
    ],
  };
}
