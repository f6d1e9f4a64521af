import { BlockStack, InlineError, Text, TextField } from "@shopify/polaris";
import type { SegmentQueryError } from "../../domain/segments/segment-query-error.js";
import { segmentEditor as t } from "../../locales/en/segments.js";

/** The query line with a caret under the error's column, as a compiler shows it. */
function ErrorLocation({ query, error }: { query: string; error: SegmentQueryError }) {
  const line = query.split("\n")[error.position.line - 1] ?? "";
  return (
    <pre
      data-testid="query-error-location"
      style={{ margin: 0, fontSize: "12px", overflowX: "auto", color: "var(--p-color-text-critical)" }}
    >
      {line}
      {"\n"}
      {" ".repeat(error.position.column)}^
    </pre>
  );
}

/** The query text box; the parser's first error shown inline at its position, with its hint. */
export function SegmentQueryField({
  query,
  errors,
  onChange,
}: {
  query: string;
  errors: readonly SegmentQueryError[];
  onChange: (query: string) => void;
}) {
  const first = errors[0];
  return (
    <BlockStack gap="100">
      <TextField
        id="segment-query"
        label={t.queryLabel}
        helpText={t.queryHelp}
        value={query}
        onChange={onChange}
        multiline={3}
        monospaced
        autoComplete="off"
        error={first !== undefined}
      />
      {first ? (
        <BlockStack gap="100">
          <ErrorLocation query={query} error={first} />
          <InlineError fieldID="segment-query" message={`${first.message} (${first.hint})`} />
          <Text as="p" variant="bodySm" tone="subdued">
            {t.builderOutOfStep}
          </Text>
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
