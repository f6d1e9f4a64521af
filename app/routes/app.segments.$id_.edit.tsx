import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Page } from "@shopify/polaris";
import { z } from "zod";
import { saveSegment, segmentEditorPage } from "../background/segment-pages.server.js";
import { SegmentEditor } from "../components/segments/segment-editor.js";
import { SegmentEditorError } from "../components/segments/segment-editor-error.js";
import { segmentEditor as t } from "../locales/en/segments.js";
import { formErrorsOf, SegmentFormSchema } from "../services/segments/segment-form.js";
import { authenticate } from "../shopify.server.js";

const SegmentId = z.string().min(1).max(100);

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const page = await segmentEditorPage(session.shop, SegmentId.parse(params.id));
  if (page.segment === null) throw new Response(t.notFoundTitle, { status: 404 });
  return page.segment;
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const form = SegmentFormSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { ok: false as const, errors: formErrorsOf(form.error), query: "" };
  const saved = await saveSegment(session.shop, SegmentId.parse(params.id), form.data);
  if (!saved.ok) return { ok: false as const, errors: saved.errors, query: form.data.query };
  return redirect("/app/segments");
};

export default function EditSegment() {
  const segment = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title={t.editTitle(segment.name)}>
        {/* eslint-disable-next-line react/no-unknown-property */}
        <a variant="breadcrumb" href={`/app/segments/${segment.id}`}>
          {t.back}
        </a>
      </TitleBar>
      {/* Keyed by the saved segment, so the editor starts over when it was saved or another one is opened. */}
      <SegmentEditor key={`${segment.id}:${segment.name}:${segment.query}`} initial={segment} />
    </Page>
  );
}

export function ErrorBoundary() {
  return <SegmentEditorError />;
}
