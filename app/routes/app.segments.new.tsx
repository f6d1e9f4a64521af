import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Page } from "@shopify/polaris";
import { saveSegment } from "../background/segment-pages.server.js";
import { SegmentEditor } from "../components/segments/segment-editor.js";
import { SegmentEditorError } from "../components/segments/segment-editor-error.js";
import { fillSegmentTemplate, segmentTemplate } from "../domain/segments/segment-templates.js";
import { segmentEditor as t } from "../locales/en/segments.js";
import { formErrorsOf, SegmentFormSchema } from "../services/segments/segment-form.js";
import { authenticate } from "../shopify.server.js";

/** A template picked on the list page (`?template=`) starts the editor. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticate.admin(request);
  const template = segmentTemplate(new URL(request.url).searchParams.get("template") ?? "");
  return template?.available ? { name: template.name, query: fillSegmentTemplate(template) } : { name: "", query: "" };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session, redirect } = await authenticate.admin(request);
  const form = SegmentFormSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!form.success) return { ok: false as const, errors: formErrorsOf(form.error), query: "" };
  const saved = await saveSegment(session.shop, null, form.data);
  if (!saved.ok) return { ok: false as const, errors: saved.errors, query: form.data.query };
  return redirect("/app/segments");
};

export default function NewSegment() {
  const start = useLoaderData<typeof loader>();
  return (
    <Page>
      <TitleBar title={t.newTitle}>
        {/* eslint-disable-next-line react/no-unknown-property */}
        <a variant="breadcrumb" href="/app/segments">
          {t.back}
        </a>
      </TitleBar>
      {/* A template picked on the list starts with unsaved changes, so the save bar shows at once. */}
      {/* Keyed by the template, so picking another one on the list starts the editor over. */}
      <SegmentEditor key={start.query} initial={{ name: "", query: "" }} start={start} />
    </Page>
  );
}

export function ErrorBoundary() {
  return <SegmentEditorError />;
}
