import type { LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useNavigate, useNavigation, useRouteError } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Card,
  EmptyState,
  Layout,
  Page,
  SkeletonBodyText,
  SkeletonPage,
  Text,
} from "@shopify/polaris";
import { segmentListPage } from "../background/segment-pages.server.js";
import { SegmentListTable } from "../components/segments/segment-list-table.js";
import { SegmentTemplateGallery } from "../components/segments/segment-template-gallery.js";
import { segmentList as t } from "../locales/en/segments.js";
import { authenticate } from "../shopify.server.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return segmentListPage(session.shop);
};

/** A drawing of three overlapping circles: customers in segments. */
const EMPTY_IMAGE =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160">' +
      '<circle cx="85" cy="70" r="50" fill="#b4fed2" fill-opacity=".8"/>' +
      '<circle cx="141" cy="70" r="50" fill="#a4e8f2" fill-opacity=".8"/>' +
      '<circle cx="113" cy="110" r="45" fill="#e0f0ff" fill-opacity=".8"/></svg>',
  );

function Empty() {
  const navigate = useNavigate();
  return (
    <Card>
      <BlockStack gap="400">
        <EmptyState
          heading={t.emptyHeading}
          image={EMPTY_IMAGE}
          action={{ content: t.create, onAction: () => navigate("/app/segments/new") }}
        >
          <p>{t.emptyBody}</p>
        </EmptyState>
        <SegmentTemplateGallery onPick={(template) => navigate(`/app/segments/new?template=${template.id}`)} />
      </BlockStack>
    </Card>
  );
}

export default function SegmentsList() {
  const { segments, shopWarnings } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const navigation = useNavigation();
  if (navigation.state === "loading" && navigation.location.pathname === "/app/segments") {
    return <SegmentsSkeleton />;
  }
  return (
    <Page>
      {/* The admin shows the title and the primary action above the app (App Bridge's title bar). */}
      <TitleBar title={t.title}>
        {/* eslint-disable-next-line react/no-unknown-property */}
        <button variant="primary" onClick={() => navigate("/app/segments/new")}>
          {t.create}
        </button>
      </TitleBar>
      <Layout>
        {shopWarnings.map((warning) => (
          <Layout.Section key={warning.code}>
            <Banner tone="warning">{warning.message}</Banner>
          </Layout.Section>
        ))}
        <Layout.Section>
          {segments.length === 0 ? (
            <Empty />
          ) : (
            <Card padding="0">
              <SegmentListTable rows={segments} />
            </Card>
          )}
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function SegmentsSkeleton() {
  return (
    <SkeletonPage title={t.title} primaryAction>
      <Card>
        <SkeletonBodyText lines={6} />
      </Card>
    </SkeletonPage>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  // Shopify's own responses (a re-authentication, a bounce) must reach the browser as they are.
  if (isRouteErrorResponse(error) && error.status < 500 && error.status !== 404) throw error;
  return (
    <Page title={t.title}>
      <Banner tone="critical" title={t.errorTitle}>
        <Text as="p">{t.errorBody}</Text>
      </Banner>
    </Page>
  );
}
