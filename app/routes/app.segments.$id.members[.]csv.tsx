import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { segmentMembersCsv } from "../background/segment-detail-pages.server.js";
import { authenticate } from "../shopify.server.js";

const Params = z.object({ id: z.string().min(1).max(100) });

/** The segment's members as CSV, streamed page by page from the database (never all in memory). */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const { id } = Params.parse(params);
  const csv = await segmentMembersCsv(admin, session.shop, id);
  if (!csv) return new Response("Not found", { status: 404 });
  const fileName = `${csv.name.replace(/[^\p{L}\p{N} _-]+/gu, "").trim() || "segment"}.csv`;
  return new Response(csv.body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
      "Cache-Control": "no-store",
    },
  });
};
