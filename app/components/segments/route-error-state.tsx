import { Banner, Card, EmptyState, Page } from "@shopify/polaris";

/** A route's error page: a not-found empty state, or a banner with the error's message. */
export function RouteErrorState(props: {
  notFound: boolean;
  notFoundTitle: string;
  notFoundBody: string;
  errorTitle: string;
  message: string;
  back?: { content: string; url: string };
}) {
  return (
    <Page>
      <Card>
        {props.notFound ? (
          <EmptyState heading={props.notFoundTitle} image="" action={props.back}>
            <p>{props.notFoundBody}</p>
          </EmptyState>
        ) : (
          <Banner tone="critical" title={props.errorTitle}>
            <p>{props.message}</p>
          </Banner>
        )}
      </Card>
    </Page>
  );
}
