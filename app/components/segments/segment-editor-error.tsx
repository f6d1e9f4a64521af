import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, Page, Text } from "@shopify/polaris";
import { segmentEditor as t } from "../../locales/en/segments.js";

/** The editor routes' error state: a missing segment, or anything else that went wrong. */
export function SegmentEditorError() {
  const error = useRouteError();
  const missing = isRouteErrorResponse(error) && error.status === 404;
  // Shopify's own responses (a re-authentication, a bounce) must reach the browser as they are.
  if (isRouteErrorResponse(error) && !missing && error.status < 500) throw error;
  return (
    <Page title={missing ? t.notFoundTitle : t.errorTitle} backAction={{ content: t.back, url: "/app/segments" }}>
      <Banner tone="critical" title={missing ? t.notFoundTitle : t.errorTitle}>
        <Text as="p">{missing ? t.notFoundBody : t.errorBody}</Text>
      </Banner>
    </Page>
  );
}
