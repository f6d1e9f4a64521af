import { useRouteLoaderData } from "@remix-run/react";
import { formatMoneyAmount } from "../domain/money-format.js";

/** The id Remix gives app/routes/app.tsx, the layout whose loader carries the shop's currency. */
const APP_ROUTE_ID = "routes/app";

/** The shop's currency code from the app layout's loader data; null when unknown (outside the layout too). */
export function useShopCurrency(): string | null {
  const data = useRouteLoaderData(APP_ROUTE_ID) as { currencyCode?: string | null } | undefined;
  return data?.currencyCode ?? null;
}

/** Formats money amounts (decimal strings) in the shop's currency: the admin's one money formatter. */
export function useMoneyFormat(): (amount: string) => string {
  const currencyCode = useShopCurrency();
  return (amount) => formatMoneyAmount(amount, currencyCode);
}
