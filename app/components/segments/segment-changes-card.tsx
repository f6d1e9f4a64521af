import { BlockStack, Card, Link, Text } from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { SegmentMembershipChange } from "../../services/segments/ports.js";
import { formatMinute } from "./segment-format.js";

/** The latest entries and exits, each with its cause. */
export function SegmentChangesCard({ changes }: { changes: SegmentMembershipChange[] }) {
  const t = segmentPage.changes;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t.heading}
        </Text>
        {changes.length === 0 ? (
          <Text as="p" tone="subdued">
            {t.empty}
          </Text>
        ) : (
          <ul style={{ margin: 0, paddingLeft: "1.2em" }} data-testid="membership-changes">
            {changes.map((change, index) => (
              <li key={`${change.customerId}-${change.at}-${index}`}>
                <Text as="span" tone={change.change === "enter" ? "success" : "critical"}>
                  {change.change === "enter" ? t.enter : t.exit}
                </Text>{" "}
                <Link url={`/app/customers/${change.customerId}`}>{change.customerId}</Link>{" "}
                <Text as="span" tone="subdued">
                  {formatMinute(change.at)} · {t.because} {t.causes[change.cause] ?? change.cause}
                </Text>
              </li>
            ))}
          </ul>
        )}
      </BlockStack>
    </Card>
  );
}
