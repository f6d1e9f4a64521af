import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, List, Select, Text, TextField } from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { SegmentPage } from "../../services/segments/segment-detail-page.js";
import type { TagDryRun } from "../../services/tagging/tag-dry-run.js";
import { formatCount } from "./segment-format.js";

/** What the route's action answers to the tagging card. */
export type TaggingActionData =
  | { intent: "dryRun"; dryRun: TagDryRun }
  | { intent: "configure"; ok: true; tag: string; state: string; marked: number }
  | { intent: "configure"; ok: false; fieldErrors: { tag?: string; state?: string } };

/** The segment's tag in Shopify: its name (checked by the server with Shopify's rules), the switch, a dry run. */
export function SegmentTaggingCard({ tagging }: { tagging: SegmentPage["tagging"] }) {
  const t = segmentPage.tagging;
  const fetcher = useFetcher<TaggingActionData>();
  const [tag, setTag] = useState(tagging.current?.tag ?? tagging.defaultTag);
  const [state, setState] = useState<string>(tagging.current?.state ?? "off");
  useEffect(() => {
    if (fetcher.data?.intent === "configure" && fetcher.data.ok) setTag(fetcher.data.tag);
  }, [fetcher.data]);
  const data = fetcher.data;
  const fieldErrors = data?.intent === "configure" && !data.ok ? data.fieldErrors : {};
  const busy = fetcher.state !== "idle";
  const submit = (intent: "dryRun" | "configure") => fetcher.submit({ intent, tag, state }, { method: "post" });

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t.heading}
        </Text>
        <Text as="p" tone="subdued">
          {t.description}
        </Text>
        <TextField
          label={t.tagLabel}
          name="tag"
          value={tag}
          onChange={setTag}
          autoComplete="off"
          helpText={t.tagHelp}
          error={fieldErrors.tag}
        />
        <Select
          label={t.stateLabel}
          name="state"
          value={state}
          onChange={setState}
          error={fieldErrors.state}
          options={[
            { value: "off", label: t.off },
            { value: "on", label: t.on },
            { value: "paused", label: t.paused },
          ]}
        />
        <InlineStack gap="200">
          <Button onClick={() => submit("dryRun")} loading={busy && fetcher.formData?.get("intent") === "dryRun"}>
            {t.dryRun}
          </Button>
          <Button
            variant="primary"
            onClick={() => submit("configure")}
            loading={busy && fetcher.formData?.get("intent") === "configure"}
          >
            {t.save}
          </Button>
        </InlineStack>
        {data?.intent === "configure" && data.ok ? (
          <Banner tone="success">
            <p data-testid="tagging-saved">{t.saved}</p>
          </Banner>
        ) : null}
        {data?.intent === "dryRun" ? (
          <div data-testid="dry-run">
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                {t.dryRunHeading}: {data.dryRun.tag}
              </Text>
              <List>
                <List.Item>
                  <span data-testid="dry-run-adds">{formatCount(data.dryRun.adds)}</span> {t.adds}
                </List.Item>
                <List.Item>
                  {formatCount(data.dryRun.removes)} {t.removes}
                </List.Item>
                <List.Item>
                  {formatCount(data.dryRun.alreadyTagged)} {t.alreadyTagged}
                </List.Item>
                <List.Item>
                  {formatCount(data.dryRun.refused)} {t.refused}
                </List.Item>
              </List>
            </BlockStack>
          </div>
        ) : null}
      </BlockStack>
    </Card>
  );
}
