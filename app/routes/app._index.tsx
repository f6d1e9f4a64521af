import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Card,
  DataTable,
  InlineGrid,
  Layout,
  Page,
  ProgressBar,
  SkeletonBodyText,
  SkeletonPage,
  Text,
} from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { overviewPage, type Dashboard } from "../background/overview-page.server.js";
import { startShopWithTemplates } from "../background/segments.server.js";
import { SegmentRevenueChart } from "../components/dashboard/segment-revenue-chart.js";
import { StarterTemplatesForm } from "../components/dashboard/starter-templates-form.js";
import { SyncStatusCard } from "../components/sync-status-card.js";
import { useMoneyFormat } from "../components/use-money-format.js";
import { dashboard } from "../locales/en/dashboard.js";
import { authenticate } from "../shopify.server.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  return overviewPage(admin, session.shop);
};

const StartWithTemplates = z.object({
  intent: z.literal("start-with-templates"),
  templateIds: z.array(z.string().min(1).max(100)).length(3, dashboard.pickThree),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const parsed = StartWithTemplates.safeParse({ intent: form.get("intent"), templateIds: form.getAll("templateIds") });
  if (!parsed.success) return { errors: { templateIds: dashboard.pickThree } };
  const created = await startShopWithTemplates(session.shop, parsed.data.templateIds);
  return { created: created.map((defined) => defined.segment.name) };
};

const count = (value: number) => value.toLocaleString("en-US");
const trendOf = (trend: number | null) =>
  trend === null ? dashboard.noTrend : `${trend > 0 ? "+" : ""}${count(trend)}`;

function BackfillProgress({ sync }: { sync: Dashboard["sync"] }) {
  const running = sync.resources.filter((row) => row.backfill === "running");
  if (running.length === 0) return null;
  return (
    <Card>
      <BlockStack gap="200">
        {running.map((row) => (
          <BlockStack key={row.resource} gap="100">
            <Text as="p">{`${dashboard.backfillRunning}: ${row.resource} ${count(row.backfilled)} / ${count(row.expected)}`}</Text>
            <div data-testid={`backfill-progress-${row.resource}`}>
              <ProgressBar progress={row.expected > 0 ? Math.min(100, (100 * row.backfilled) / row.expected) : 0} />
            </div>
          </BlockStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function SegmentsCard({ segments }: { segments: Dashboard["segments"] }) {
  const money = useMoneyFormat();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {dashboard.segments}
        </Text>
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={[...dashboard.segmentColumns]}
          rows={segments.map((segment) => [
            <span key="name" data-testid="dashboard-segment">
              {segment.name}
            </span>,
            count(segment.size),
            trendOf(segment.trend),
            money(segment.revenue),
          ])}
        />
      </BlockStack>
    </Card>
  );
}

function TagActivityCard({ rows }: { rows: Dashboard["recentTagChanges"] }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {dashboard.tagActivity}
        </Text>
        {rows.length === 0 ? (
          <Text as="p" tone="subdued">
            {dashboard.noTagActivity}
          </Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text"]}
            headings={[...dashboard.tagColumns]}
            rows={rows.map((row) => [
              row.at.slice(0, 16).replace("T", " "),
              row.customerId,
              row.tag,
              row.action,
              row.result,
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const overview = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  if (navigation.state === "loading" && navigation.location.pathname === "/app") return <DashboardSkeleton />;
  const reconciled = overview.sync.resources.find((row) => row.reconciledThrough !== null)?.reconciledThrough ?? null;
  return (
    <Page>
      <TitleBar title={dashboard.title} />
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2 }} gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {dashboard.shop}
                </Text>
                <Text as="p" variant="headingLg">
                  <span data-testid="shop-name">{overview.name}</span>
                </Text>
                <Text as="p" tone="subdued">
                  {overview.domain} · {overview.currencyCode}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {dashboard.customers}
                </Text>
                <Text as="p" variant="headingLg">
                  <span data-testid="customer-count">{count(overview.customerCount)}</span>
                </Text>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
        {overview.starterTemplates.length > 0 ? (
          <Layout.Section>
            <StarterTemplatesForm
              templates={overview.starterTemplates}
              error={outcome && "errors" in outcome ? outcome.errors?.templateIds : undefined}
            />
          </Layout.Section>
        ) : (
          <>
            <Layout.Section>
              <SegmentsCard segments={overview.segments} />
            </Layout.Section>
            <Layout.Section>
              <SegmentRevenueChart segments={overview.segments} />
            </Layout.Section>
          </>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <BackfillProgress sync={overview.sync} />
            <SyncStatusCard status={overview.sync} />
            <Text as="p" tone="subdued">
              <span data-testid="last-reconciliation">
                {reconciled
                  ? `${dashboard.reconciledThrough} ${reconciled.slice(0, 16).replace("T", " ")} UTC`
                  : dashboard.notReconciled}
              </span>
            </Text>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <TagActivityCard rows={overview.recentTagChanges} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function DashboardSkeleton() {
  return (
    <SkeletonPage title={dashboard.title}>
      <Layout>
        <Layout.Section>
          <Card>
            <SkeletonBodyText lines={6} />
          </Card>
        </Layout.Section>
      </Layout>
    </SkeletonPage>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : String(error);
  return (
    <Page>
      <TitleBar title={dashboard.title} />
      <Banner tone="critical" title="The dashboard could not be loaded">
        <p>{message}</p>
      </Banner>
    </Page>
  );
}
