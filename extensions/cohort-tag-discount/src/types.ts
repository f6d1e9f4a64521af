/**
 * The shapes of this Function's input queries' answers and of its results, written from the 2026-10 Discount
 * Function schema (schema.graphql beside this folder). `shopify app function typegen` would generate the same
 * into generated/api.ts; keeping them here lets the app's own `tsc` check the Function without the CLI.
 */

export type DiscountClass = "PRODUCT" | "ORDER" | "SHIPPING";

/** JSON scalar: what the metafield's jsonValue holds, unchecked. */
export type Json = unknown;

/** Decimal scalar: Shopify sends it as a string ("1.0"); the Function may answer a number or a string. */
export type Decimal = string | number;

interface DiscountInput {
  discountClasses: DiscountClass[];
  metafield: { jsonValue: Json } | null;
}

interface BuyerIdentityInput {
  customer: { hasAnyTag: boolean } | null;
}

/** cart_lines_discounts_generate_run.graphql */
export interface CartInput {
  cart: { buyerIdentity: BuyerIdentityInput | null; lines: { id: string }[] };
  discount: DiscountInput;
  presentmentCurrencyRate: Decimal;
}

/** cart_delivery_options_discounts_generate_run.graphql */
export interface DeliveryInput {
  cart: { buyerIdentity: BuyerIdentityInput | null; deliveryGroups: { id: string }[] };
  discount: DiscountInput;
  presentmentCurrencyRate: Decimal;
}

export type DiscountValue = { percentage: { value: Decimal } } | { fixedAmount: { amount: Decimal } };

export type ProductDiscountValue =
  { percentage: { value: Decimal } } | { fixedAmount: { amount: Decimal; appliesToEachItem?: boolean } };

export type CartOperation =
  | {
      orderDiscountsAdd: {
        selectionStrategy: "FIRST" | "MAXIMUM";
        candidates: {
          message?: string;
          targets: { orderSubtotal: { excludedCartLineIds: string[] } }[];
          value: DiscountValue;
        }[];
      };
    }
  | {
      productDiscountsAdd: {
        selectionStrategy: "FIRST" | "MAXIMUM" | "ALL";
        candidates: {
          message?: string;
          targets: { cartLine: { id: string; quantity?: number } }[];
          value: ProductDiscountValue;
        }[];
      };
    };

export interface CartLinesDiscountsGenerateRunResult {
  operations: CartOperation[];
}

export interface DeliveryOperation {
  deliveryDiscountsAdd: {
    selectionStrategy: "ALL";
    candidates: { message?: string; targets: { deliveryGroup: { id: string } }[]; value: DiscountValue }[];
  };
}

export interface CartDeliveryOptionsDiscountsGenerateRunResult {
  operations: DeliveryOperation[];
}
