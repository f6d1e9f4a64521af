import type { LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { BlockStack, Card, IndexTable, InlineGrid, Layout, Link, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { customerPage } from "../background/segment-detail-pages.server.js";
import { RouteErrorState } from "../components/segments/route-error-state.js";
import { formatDay, formatMinute } from "../components/segments/segment-format.js";
import { useMoneyFormat } from "../components/use-money-format.js";
import { customerPage as t } from "../locales/en/customer-page.js";
import { authenticate } from "../shopify.server.js";

const Params = z.object({ id: z.string().regex(/^\d{1,20}$/) });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const parsed = Params.safeParse(params);
  const page = parsed.success ? await customerPage(admin, session.shop, parsed.data.id) : null;
  if (!page) throw new Response("Not found", { status: 404 });
  return page;
};

export default function CustomerPage() {
  const page = useLoaderData<typeof loader>();
  const money = useMoneyFormat();
  const title = page.profile?.name ?? `${t.title} ${page.customerId}`;
  const m = page.metrics;
  const figures: Array<[string, string]> = m
    ? [
        [t.metrics.orders, String(m.orderCount)],
        [t.metrics.netOrders, String(m.netOrderCount)],
        [t.metrics.cancelled, String(m.cancelledOrderCount)],
        [t.metrics.netSpend, money(m.netSpend)],
        [t.metrics.refunded, money(m.refundedAmount)],
        [t.metrics.averageOrderValue, money(m.averageOrderValue)],
        [t.metrics.firstOrder, formatDay(m.firstOrderAt)],
        [t.metrics.lastOrder, formatDay(m.lastOrderAt)],
        [t.metrics.refunds, String(m.refundCount)],
        [t.metrics.discountCodes, String(m.discountCodeUseCount)],
      ]
    : [];
  return (
    <Page
      title={title}
      subtitle={page.profile?.email ?? undefined}
      backAction={{ content: "Back", url: "/app/segments" }}
      secondaryActions={[
        { content: t.openInShopify, url: `shopify:admin/customers/${page.customerId}`, target: "_top", external: true },
      ]}
    >
      <TitleBar title={title} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t.metrics.heading}
                </Text>
                {m ? (
                  <InlineGrid columns={{ xs: 2, md: 5 }} gap="300">
                    {figures.map(([label, value]) => (
                      <BlockStack gap="050" key={label}>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {label}
                        </Text>
                        <Text as="span" variant="headingSm">
                          {value}
                        </Text>
                      </BlockStack>
                    ))}
                  </InlineGrid>
                ) : (
                  <Text as="p" tone="subdued">
                    {t.metrics.empty}
                  </Text>
                )}
              </BlockStack>
            </Card>
            <Card padding="0">
              <div style={{ padding: "16px 16px 8px" }}>
                <Text as="h2" variant="headingMd">
                  {t.why.heading}
                </Text>
              </div>
              <div data-testid="tag-trail">
                <IndexTable
                  resourceName={{ singular: "tag change", plural: "tag changes" }}
                  itemCount={page.tagTrail.length}
                  selectable={false}
                  emptyState={
                    <div style={{ padding: 16 }}>
                      <Text as="p" tone="subdued">
                        {t.why.empty}
                      </Text>
                    </div>
                  }
                  headings={[
                    { title: t.why.at },
                    { title: t.why.tag },
                    { title: t.why.action },
                    { title: t.why.segment },
                    { title: t.why.cause },
                    { title: t.why.result },
                  ]}
                >
                  {page.tagTrail.map((row, index) => (
                    <IndexTable.Row id={`${index}`} key={`${row.at}-${index}`} position={index}>
                      <IndexTable.Cell>{formatMinute(row.at)}</IndexTable.Cell>
                      <IndexTable.Cell>{row.tag}</IndexTable.Cell>
                      <IndexTable.Cell>{row.action}</IndexTable.Cell>
                      <IndexTable.Cell>
                        {row.segmentId ? (
                          <Link url={`/app/segments/${row.segmentId}`}>{row.segmentName ?? row.segmentId}</Link>
                        ) : (
                          "—"
                        )}
                        {row.ruleText ? (
                          <Text as="p" variant="bodySm" tone="subdued">
                            {row.ruleText}
                          </Text>
                        ) : null}
                      </IndexTable.Cell>
                      <IndexTable.Cell>{row.cause}</IndexTable.Cell>
                      <IndexTable.Cell>{row.result}</IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
              </div>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t.rfm.heading}
                </Text>
                {page.rfm === null ? (
                  <Text as="p" tone="subdued">
                    {t.rfm.noThresholds}
                  </Text>
                ) : (
                  <BlockStack gap="100">
                    {page.rfm.scores ? (
                      <Text as="p">
                        {t.rfm.recency} {page.rfm.scores.recency} · {t.rfm.frequency} {page.rfm.scores.frequency} ·{" "}
                        {t.rfm.monetary} {page.rfm.scores.monetary}
                      </Text>
                    ) : (
                      <Text as="p" tone="subdued">
                        {t.rfm.noOrders}
                      </Text>
                    )}
                    <Text as="p">
                      {t.rfm.group}: <span data-testid="rfm-group">{page.rfm.group}</span>
                    </Text>
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t.segments.heading}
                </Text>
                {page.segments.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t.segments.empty}
                  </Text>
                ) : (
                  page.segments.map((s) => (
                    <Text as="p" key={s.segmentId}>
                      <Link url={`/app/segments/${s.segmentId}`}>{s.name}</Link>{" "}
                      <Text as="span" tone="subdued">
                        {t.segments.since} {formatDay(s.enteredAt)}
                      </Text>
                    </Text>
                  ))
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t.changes.heading}
                </Text>
                {page.changes.length === 0 ? (
                  <Text as="p" tone="subdued">
                    {t.changes.empty}
                  </Text>
                ) : (
                  page.changes.map((c, index) => (
                    <Text as="p" key={`${c.at}-${index}`}>
                      {c.change === "enter" ? t.changes.enter : t.changes.exit} {c.segmentName ?? c.segmentId}{" "}
                      <Text as="span" tone="subdued">
                        {formatMinute(c.at)} · {c.cause}
                      </Text>
                    </Text>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404) return boundary.error(error);
  return (
    <RouteErrorState
      notFound={isRouteErrorResponse(error)}
      notFoundTitle={t.notFoundTitle}
      notFoundBody={t.notFoundBody}
      errorTitle={t.errorTitle}
      message={error instanceof Error ? error.message : String(error)}
    />
  );
}
