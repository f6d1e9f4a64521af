import { useBlocker, useFetcher } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, Layout, Text, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { fromBuilder, toBuilder, type BuilderGroup } from "../../domain/segments/segment-builder-tree.js";
import { parseSegmentQuery } from "../../domain/segments/segment-parser.js";
import { printSegmentTree } from "../../domain/segments/segment-printer.js";
import type { SegmentQueryError } from "../../domain/segments/segment-query-error.js";
import { fillSegmentTemplate, type AvailableSegmentTemplate } from "../../domain/segments/segment-templates.js";
import { segmentEditor as t } from "../../locales/en/segments.js";
import type { SegmentPreview } from "../../services/segments/ports.js";
import type { SegmentFormErrors } from "../../services/segments/segment-form.js";
import { SegmentPreviewCard, type PreviewState } from "./segment-preview-card.js";
import { SegmentQueryField } from "./segment-query-field.js";
import { SegmentRuleBuilder } from "./segment-rule-builder.js";
import { SegmentTemplateGallery } from "./segment-template-gallery.js";

/** How long typing must pause before the preview is asked for. */
export const PREVIEW_DEBOUNCE_MS = 300;
const PREVIEW_ROUTE = "/app/segments/preview";
const SAVE_BAR_ID = "segment-editor-save-bar";

type PreviewData = { ok: true; preview: SegmentPreview } | { ok: false; errors: SegmentQueryError[] };
type SaveData = { ok: false; errors: SegmentFormErrors; query: string };

/** Each keystroke parses its text once: the builder's update and the inline errors share the result. */
let lastParse: { text: string; result: ReturnType<typeof parseSegmentQuery> } | null = null;
function parsedQuery(text: string): ReturnType<typeof parseSegmentQuery> {
  if (lastParse?.text !== text) lastParse = { text, result: parseSegmentQuery(text) };
  return lastParse.result;
}

function parseErrors(query: string): SegmentQueryError[] {
  if (query.trim() === "") return [];
  const parsed = parsedQuery(query);
  return parsed.ok ? [] : parsed.errors;
}

function builderOf(query: string): BuilderGroup {
  const parsed = parseSegmentQuery(query);
  return toBuilder(parsed.ok ? parsed.tree : null);
}

/** The live preview: asked for once typing pauses; a newer query cancels the one in flight (fetcher.load aborts it). */
function usePreview(query: string, valid: boolean): PreviewState {
  const fetcher = useFetcher<PreviewData>();
  const [asked, setAsked] = useState<string | null>(null);
  const { load } = fetcher;
  useEffect(() => {
    if (!valid || query.trim() === "") return;
    const timer = setTimeout(() => {
      setAsked(query);
      load(`${PREVIEW_ROUTE}?${new URLSearchParams({ query })}`);
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, valid, load]);
  if (query.trim() === "") return { status: "idle" };
  if (!valid) return { status: "invalid" };
  const last = fetcher.data?.ok ? fetcher.data.preview : null;
  if (fetcher.state !== "idle" || asked !== query) return { status: "loading", last };
  if (fetcher.data === undefined) return { status: "loading", last: null };
  return fetcher.data.ok ? { status: "ready", preview: fetcher.data.preview } : { status: "invalid" };
}

/** Leaving the editor with unsaved changes asks first: App Bridge's leave confirmation, then the navigation. */
function useLeaveConfirmation(dirty: boolean) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    const confirm = window.shopify?.saveBar?.leaveConfirmation?.() ?? Promise.resolve();
    confirm.then(
      () => blocker.proceed(),
      () => blocker.reset(),
    );
  }, [blocker]);
}

export interface SegmentEditorProps {
  /** The saved name and query (empty for a new segment): what "unsaved changes" are measured against. */
  initial: { name: string; query: string };
  /** Where editing starts, when not from `initial` (a template picked on the list). */
  start?: { name: string; query: string };
}

/**
 * The segment editor: a name, the rule builder and the query text kept in step both ways (the builder edits the
 * tree, the text box shows it printed; valid text re-parsed updates the builder), templates, a live preview, and
 * saving through App Bridge's save bar with the server's errors beside the fields.
 */
export function SegmentEditor({ initial, start = initial }: SegmentEditorProps) {
  const [name, setName] = useState(start.name);
  const [query, setQuery] = useState(start.query);
  const [builder, setBuilder] = useState(() => builderOf(start.query));
  const errors = useMemo(() => parseErrors(query), [query]);
  const save = useFetcher<SaveData>();
  const saving = save.state !== "idle";
  const dirty = name !== initial.name || query !== initial.query;
  useLeaveConfirmation(dirty && !saving);
  const preview = usePreview(query, errors.length === 0);

  const serverErrors = save.state === "idle" && save.data && !save.data.ok ? save.data.errors : undefined;
  const queryErrors = errors.length > 0 ? errors : save.data?.query === query ? (serverErrors?.query ?? []) : [];

  const onBuilderChange = useCallback((next: BuilderGroup) => {
    setBuilder(next);
    const tree = fromBuilder(next);
    setQuery(tree === null ? "" : printSegmentTree(tree));
  }, []);

  const onQueryChange = useCallback((text: string) => {
    setQuery(text);
    const parsed = parsedQuery(text);
    if (parsed.ok) setBuilder(toBuilder(parsed.tree));
    else if (text.trim() === "") setBuilder(toBuilder(null));
  }, []);

  const onTemplate = useCallback(
    (template: AvailableSegmentTemplate) => {
      onQueryChange(fillSegmentTemplate(template));
      setName((current) => (current.trim() === "" ? template.name : current));
    },
    [onQueryChange],
  );

  const submit = () => save.submit({ name, query }, { method: "post" });
  const discard = () => {
    setName(initial.name);
    onQueryChange(initial.query);
  };

  // The gallery does not change while typing: it is not rendered again for each keystroke.
  const templates = useMemo(
    () => (
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t.templatesHeading}
          </Text>
          <SegmentTemplateGallery onPick={onTemplate} compact />
        </BlockStack>
      </Card>
    ),
    [onTemplate],
  );

  return (
    <>
      <SaveBar id={SAVE_BAR_ID} open={dirty || saving} discardConfirmation>
        {/* App Bridge reads the primary button as Save and the other as Discard. */}
        {/* eslint-disable-next-line react/no-unknown-property */}
        <button variant="primary" onClick={submit} disabled={saving} loading={saving ? "" : undefined}>
          {t.save}
        </button>
        <button onClick={discard} disabled={saving}>
          {t.discard}
        </button>
      </SaveBar>
      <Layout>
        {serverErrors?.form ? (
          <Layout.Section>
            <Banner tone="critical">{serverErrors.form}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <TextField
                id="segment-name"
                label={t.nameLabel}
                helpText={t.nameHelp}
                value={name}
                onChange={setName}
                autoComplete="off"
                maxLength={100}
                error={serverErrors?.name}
              />
            </Card>
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  {t.rulesHeading}
                </Text>
                <SegmentRuleBuilder root={builder} onChange={onBuilderChange} />
                <SegmentQueryField query={query} errors={queryErrors} onChange={onQueryChange} />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SegmentPreviewCard state={preview} />
            {templates}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </>
  );
}
