import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/** Outside Shopify admin there is nothing to show: Shopify-managed installation starts from the admin. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return new Response("Cohort runs inside Shopify admin. Open it from your store's Apps page.", {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
};
