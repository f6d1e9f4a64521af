import { BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { SegmentPage } from "../../services/segments/segment-detail-page.js";
import { formatCount } from "./segment-format.js";

/** The other segments sharing members with this one, most shared first. */
export function SegmentOverlapsCard({ overlaps }: { overlaps: SegmentPage["overlaps"] }) {
  const t = segmentPage.overlaps;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t.heading}
        </Text>
        {overlaps.length === 0 ? (
          <Text as="p" tone="subdued">
            {t.empty}
          </Text>
        ) : (
          overlaps.map((overlap) => (
            <InlineStack key={overlap.segmentId} align="space-between" gap="200">
              <Link url={`/app/segments/${overlap.segmentId}`}>{overlap.name}</Link>
              <Text as="span" tone="subdued">
                {formatCount(overlap.shared)} {t.shared}
                {overlap.share === null ? "" : ` · ${(overlap.share * 100).toFixed(0)} % ${t.ofThis}`}
              </Text>
            </InlineStack>
          ))
        )}
      </BlockStack>
    </Card>
  );
}
