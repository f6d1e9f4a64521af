import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { PolarisVizProvider } from "@shopify/polaris-viz";
import { appLayoutCurrency } from "../background/app-layout.server.js";
import { env } from "../env.server.js";
import { navigation } from "../locales/en/navigation.js";
import { authenticate } from "../shopify.server.js";

export const links = () => [
  { rel: "stylesheet", href: polarisStyles },
  { rel: "stylesheet", href: polarisVizStyles },
];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  // Against the local Shopify the framed app loads the emulator's App Bridge instead of Shopify's CDN.
  return {
    apiKey: env().SHOPIFY_API_KEY,
    appBridgeUrl: env().APP_BRIDGE_URL ?? null,
    // Read by every page's money formatting (components/use-money-format.ts).
    currencyCode: await appLayoutCurrency(admin, session.shop),
  };
};

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          {navigation.overview}
        </Link>
        <Link to="/app/segments">{navigation.segments}</Link>
        <Link to="/app/activity">{navigation.activity}</Link>
        <Link to="/app/settings">{navigation.settings}</Link>
        <Link to="/app/privacy">{navigation.privacy}</Link>
      </NavMenu>
      <PolarisVizProvider>
        <Outlet />
      </PolarisVizProvider>
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses so that their headers reach the browser.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
