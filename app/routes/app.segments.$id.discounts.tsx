import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import {
  createDiscountForSegment,
  segmentDiscounts,
  UnknownDiscountSegmentError,
} from "../background/discounts.server.js";
import { authenticate } from "../shopify.server.js";

/**
 * Resource route for the segment page (no UI here): GET lists the segment's discounts with status and attribution;
 * POST (form fields of app/services/discounts/discount-request.ts) creates one and answers field errors.
 */
const Params = z.object({ id: z.string().min(1).max(100) });

function notFound(error: unknown): Response {
  if (error instanceof UnknownDiscountSegmentError) return new Response("No such segment", { status: 404 });
  throw error;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { id } = Params.parse(params);
  try {
    return { discounts: await segmentDiscounts(session.shop, id) };
  } catch (error) {
    return notFound(error);
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const { id } = Params.parse(params);
  const form = Object.fromEntries(await request.formData());
  try {
    const outcome = await createDiscountForSegment(session.shop, id, form);
    if (!outcome.ok) return Response.json({ ok: false, fieldErrors: outcome.fieldErrors }, { status: 422 });
    return { ok: true as const, discount: outcome.discount, warnings: outcome.warnings };
  } catch (error) {
    return notFound(error);
  }
};
