import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  useLoaderData,
  useNavigate,
  useNavigation,
  useRouteError,
  useSearchParams,
} from "@remix-run/react";
import { Badge, BlockStack, Card, IndexTable, Link, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { activityPage } from "../background/activity-page.server.js";
import { ActivityFilters } from "../components/activity/activity-filters.js";
import { RouteErrorState } from "../components/segments/route-error-state.js";
import { formatCount, formatMinute } from "../components/segments/segment-format.js";
import { activity as t } from "../locales/en/activity.js";
import { authenticate } from "../shopify.server.js";

const optional = <T extends z.ZodTypeAny>(schema: T) => schema.optional().catch(undefined);
const Query = z.object({
  segment: optional(z.string().min(1).max(100)),
  customer: optional(z.string().regex(/^\d{1,20}$/)),
  cause: optional(z.enum(["webhook", "schedule", "edit", "backfill", "manual", "setting", "repair"])),
  days: optional(
    z.coerce
      .number()
      .int()
      .refine((d) => [1, 7, 30].includes(d)),
  ),
  status: optional(z.enum(["applied", "failed", "pending"])),
  tagsBefore: optional(z.string().regex(/^\d{1,15}$/)),
  eventsBefore: optional(z.string().max(200)),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const q = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return activityPage(session.shop, {
    ...(q.segment ? { segmentId: q.segment } : {}),
    ...(q.customer ? { customerId: q.customer } : {}),
    ...(q.cause ? { cause: q.cause } : {}),
    ...(q.days ? { days: q.days } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.tagsBefore ? { tagsBefore: q.tagsBefore } : {}),
    ...(q.eventsBefore ? { eventsBefore: q.eventsBefore } : {}),
  });
};

const STATUS_TONE = { applied: "success", failed: "critical", pending: "attention" } as const;

export default function Activity() {
  const page = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const page_ = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  };
  return (
    <Page title={t.title}>
      <TitleBar title={t.title} />
      <BlockStack gap="400">
        <Card padding="0">
          <div style={{ padding: "16px 16px 0" }}>
            <Text as="h2" variant="headingMd">
              {t.tags.heading}
            </Text>
          </div>
          <ActivityFilters segments={page.segments} />
          <div data-testid="tag-activity">
            <IndexTable
              resourceName={t.tags.resourceName}
              itemCount={page.tagChanges.rows.length}
              selectable={false}
              loading={navigation.state === "loading"}
              emptyState={
                <div style={{ padding: 16 }}>
                  <Text as="p" tone="subdued">
                    {t.tags.empty}
                  </Text>
                </div>
              }
              headings={[
                { title: t.tags.at },
                { title: t.tags.customer },
                { title: t.tags.segment },
                { title: t.tags.tag },
                { title: t.tags.action },
                { title: t.tags.cause },
                { title: t.tags.result },
              ]}
              pagination={{
                hasNext: page.tagChanges.next !== null,
                onNext: () => page_("tagsBefore", page.tagChanges.next),
                hasPrevious: Boolean(page.query.tagsBefore),
                onPrevious: () => page_("tagsBefore", null),
              }}
            >
              {page.tagChanges.rows.map((row, index) => (
                <IndexTable.Row id={String(row.id)} key={row.id} position={index}>
                  <IndexTable.Cell>{formatMinute(row.at)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Link url={`/app/customers/${row.customerId}`}>{row.customerId}</Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.segmentName ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>{row.tag}</IndexTable.Cell>
                  <IndexTable.Cell>{row.action}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <span data-testid="activity-cause">{row.cause}</span>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{row.result}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </div>
        </Card>
        <Card padding="0">
          <div style={{ padding: 16 }}>
            <Text as="h2" variant="headingMd">
              {t.events.heading}
            </Text>
          </div>
          <IndexTable
            resourceName={t.events.resourceName}
            itemCount={page.syncEvents.rows.length}
            selectable={false}
            emptyState={
              <div style={{ padding: 16 }}>
                <Text as="p" tone="subdued">
                  {t.events.empty}
                </Text>
              </div>
            }
            headings={[
              { title: t.events.received },
              { title: t.events.topic },
              { title: t.events.status },
              { title: t.events.attempts, alignment: "end" },
              { title: t.events.error },
            ]}
            pagination={{
              hasNext: page.syncEvents.next !== null,
              onNext: () => page_("eventsBefore", page.syncEvents.next),
              hasPrevious: Boolean(page.query.eventsBefore),
              onPrevious: () => page_("eventsBefore", null),
            }}
          >
            {page.syncEvents.rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>{formatMinute(row.receivedAt)}</IndexTable.Cell>
                <IndexTable.Cell>{row.topic}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge tone={STATUS_TONE[row.status]}>{t.events.statuses[row.status]}</Badge>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {row.attempts}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.error ?? ""}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <Card>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              {t.backfills.heading}
            </Text>
            {page.backfills.length === 0 ? (
              <Text as="p" tone="subdued">
                {t.backfills.empty}
              </Text>
            ) : (
              page.backfills.map((b) => (
                <Text as="p" key={b.resource}>
                  {b.resource}: {b.status} · {formatCount(b.processedCount)} / {formatCount(b.objectCount)}{" "}
                  {t.backfills.progress}
                  {b.finishedAt ? ` · ${formatMinute(b.finishedAt)}` : ""}
                  {b.lastError ? ` · ${b.lastError}` : ""}
                </Text>
              ))
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) return boundary.error(error);
  return (
    <RouteErrorState
      notFound={false}
      notFoundTitle=""
      notFoundBody=""
      errorTitle={t.errorTitle}
      message={error instanceof Error ? error.message : String(error)}
    />
  );
}
