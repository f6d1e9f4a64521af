import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { previewSegment } from "../background/segment-pages.server.js";
import { MAX_QUERY_BYTES } from "../domain/segments/segment-parser.js";
import { authenticate } from "../shopify.server.js";

const PreviewQuery = z.object({ query: z.string().min(1).max(MAX_QUERY_BYTES) });

/** The editor's live preview (a resource route): what the query would hold now, or the parser's errors. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const input = PreviewQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!input.success) return new Response("A query of at most 10,000 characters is required", { status: 400 });
  return previewSegment(session.shop, input.data.query);
};
