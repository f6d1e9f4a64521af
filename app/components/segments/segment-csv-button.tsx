import { useState } from "react";
import { Button } from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";

/**
 * Downloads the members CSV. Inside Shopify's admin a request needs the session token, which App Bridge's fetch
 * adds: the file is fetched, then handed to the browser as a download.
 */
export function SegmentCsvButton({ segmentId, fileName }: { segmentId: string; fileName: string }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const response = await fetch(`/app/segments/${encodeURIComponent(segmentId)}/members.csv`);
      if (!response.ok) return;
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = fileName;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={() => void download()} loading={busy} accessibilityLabel={segmentPage.exportCsv}>
      {busy ? segmentPage.exporting : segmentPage.exportCsv}
    </Button>
  );
}
