import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { BlockStack, Layout, Page, SkeletonBodyText, Card } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { segmentPage, segmentTaggingAction } from "../background/segment-detail-pages.server.js";
import { SegmentDiscountsCard } from "../components/discounts/segment-discounts-card.js";
import { MembersTable } from "../components/segments/members-table.js";
import { RouteErrorState } from "../components/segments/route-error-state.js";
import { SegmentChangesCard } from "../components/segments/segment-changes-card.js";
import { SegmentCsvButton } from "../components/segments/segment-csv-button.js";
import { SegmentHistoryChart } from "../components/segments/segment-history-chart.js";
import { SegmentKpiCards } from "../components/segments/segment-kpis.js";
import { SegmentOverlapsCard } from "../components/segments/segment-overlaps-card.js";
import { SegmentTaggingCard, type TaggingActionData } from "../components/segments/segment-tagging-card.js";
import { segmentPage as strings } from "../locales/en/segment-page.js";
import { authenticate } from "../shopify.server.js";

const Params = z.object({ id: z.string().min(1).max(100) });

const MembersSearch = z.object({
  q: z.string().max(200).catch(""),
  sort: z
    .enum(["spend-desc", "spend-asc", "orders-desc", "orders-asc", "lastOrder-desc", "lastOrder-asc"])
    .catch("spend-desc"),
  after: z.string().max(400).nullable().catch(null),
});

const notFound = () => new Response("Not found", { status: 404, statusText: "segment-not-found" });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const { id } = Params.parse(params);
  const search = new URL(request.url).searchParams;
  const query = MembersSearch.parse({ q: search.get("q") ?? "", sort: search.get("sort"), after: search.get("after") });
  const [sort, direction] = query.sort.split("-") as ["spend" | "orders" | "lastOrder", "asc" | "desc"];
  const page = await segmentPage(admin, session.shop, id, { search: query.q, sort, direction, after: query.after });
  if (!page) throw notFound();
  return page;
};

const TaggingForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("dryRun") }),
  z.object({
    intent: z.literal("configure"),
    tag: z.string({ required_error: "Enter a tag." }).max(255, "A tag has at most 40 characters."),
    state: z.enum(["off", "on", "paused"], { message: "Choose on, off or paused." }),
  }),
]);

export const action = async ({ request, params }: ActionFunctionArgs): Promise<TaggingActionData> => {
  const { admin, session } = await authenticate.admin(request);
  const { id } = Params.parse(params);
  const parsed = TaggingForm.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const errors = parsed.error.flatten().fieldErrors as Record<string, string[] | undefined>;
    return {
      intent: "configure",
      ok: false,
      fieldErrors: {
        ...(errors.tag ? { tag: errors.tag[0] } : {}),
        ...(errors.state ? { state: errors.state[0] } : {}),
      },
    };
  }
  const result = await segmentTaggingAction(admin, session.shop, id, parsed.data);
  if (result.intent === "missing") throw notFound();
  if (result.intent === "dryRun") return { intent: "dryRun", dryRun: result.dryRun };
  if (!result.outcome.ok) {
    const message = [result.outcome.error.message, result.outcome.error.hint].filter(Boolean).join(" ");
    return { intent: "configure", ok: false, fieldErrors: { tag: message } };
  }
  const { tagging, marked } = result.outcome;
  return { intent: "configure", ok: true, tag: tagging.tag, state: tagging.state, marked };
};

export default function SegmentPage() {
  const page = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const leaving = navigation.state === "loading" && navigation.location.pathname !== `/app/segments/${page.segment.id}`;
  if (leaving) return <SegmentPageSkeleton />;
  return (
    <Page
      title={page.segment.name}
      subtitle={page.segment.query}
      backAction={{ content: strings.backToSegments, url: "/app/segments" }}
      secondaryActions={[{ content: strings.edit, url: `/app/segments/${page.segment.id}/edit` }]}
      primaryAction={<SegmentCsvButton segmentId={page.segment.id} fileName={`${page.segment.name}.csv`} />}
    >
      <TitleBar title={page.segment.name} />
      <BlockStack gap="400">
        <SegmentKpiCards kpis={page.kpis} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <SegmentHistoryChart snapshots={page.snapshots} />
              <MembersTable members={page.members} />
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <SegmentTaggingCard key={page.segment.id} tagging={page.tagging} />
              <SegmentDiscountsCard key={`discounts-${page.segment.id}`} segmentId={page.segment.id} />
              <SegmentOverlapsCard overlaps={page.overlaps} />
              <SegmentChangesCard changes={page.changes} />
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

function SegmentPageSkeleton() {
  return (
    <Page>
      <Card>
        <SkeletonBodyText lines={8} />
      </Card>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404) return boundary.error(error);
  return (
    <RouteErrorState
      notFound={isRouteErrorResponse(error)}
      notFoundTitle={strings.notFoundTitle}
      notFoundBody={strings.notFoundBody}
      errorTitle={strings.errorTitle}
      message={error instanceof Error ? error.message : String(error)}
      back={{ content: strings.backToSegments, url: "/app/segments" }}
    />
  );
}
