import { Badge, BlockStack, Box, Button, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { SEGMENT_TEMPLATES, type AvailableSegmentTemplate } from "../../domain/segments/segment-templates.js";
import { segmentEditor } from "../../locales/en/segments.js";

/** The ready-made segments as cards; `onPick` gets an available one (unavailable ones say why). */
export function SegmentTemplateGallery({
  onPick,
  columns = 3,
  compact = false,
}: {
  onPick: (template: AvailableSegmentTemplate) => void;
  columns?: number;
  /** One line per template (the editor's side column): no query text. */
  compact?: boolean;
}) {
  return (
    <InlineGrid columns={compact ? 1 : { xs: 1, sm: 2, md: columns }} gap={compact ? "200" : "300"}>
      {SEGMENT_TEMPLATES.map((template) => (
        <Box key={template.id} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
          <BlockStack gap="200">
            <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
              <Text as="h3" variant="headingSm">
                {template.name}
              </Text>
              {template.available ? (
                <Button
                  size="slim"
                  onClick={() => onPick(template)}
                  accessibilityLabel={`${segmentEditor.templateUse} ${template.name}`}
                  id={`template-${template.id}`}
                >
                  {segmentEditor.templateUse}
                </Button>
              ) : (
                <Badge>{segmentEditor.templateComing}</Badge>
              )}
            </InlineStack>
            <Text as="p" tone="subdued">
              {template.available ? template.description : template.reason}
            </Text>
            {template.available && !compact ? (
              <Box>
                <Text as="p" variant="bodySm" tone="subdued">
                  <code>{template.query}</code>
                </Text>
              </Box>
            ) : null}
          </BlockStack>
        </Box>
      ))}
    </InlineGrid>
  );
}
