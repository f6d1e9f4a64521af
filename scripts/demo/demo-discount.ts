/**
 * The demo shop's discount: a 15 % code for the VIP segment, limited by Shopify to the customers carrying its tag;
 * then (`--orders`) a few orders placed with it by VIP members in the local Shopify, so the segment page shows the
 * revenue it earned. A discount already made, or orders already placed with it, are left as they are.
 */
import { createDiscountForSegment, discountSegment, segmentDiscounts } from "../../app/background/discounts.server.js";
import { segmentMembers } from "../../app/background/segments.server.js";
import { SEGMENT_TEMPLATES } from "../../app/domain/segments/segment-templates.js";
import { EmulatorClient } from "../../tests/shopify-emulator/client.js";
import { DEMO_TAGS } from "./demo-tags.js";

const DEMO_DISCOUNT = {
  templateId: "vip-top-spenders",
  form: { method: "code", kind: "percentage", value: "15", code: "VIP15", title: "VIP: 15% off" },
  orders: 3,
  /** The local Shopify applies the code only to buyers carrying the tag: the worker's first push must land first. */
  tagWaitMs: 180_000,
} as const;

const demoSegmentName = () => SEGMENT_TEMPLATES.find((template) => template.id === DEMO_DISCOUNT.templateId)!.name;

/** "VIP15 for VIP: top 10% by spend", or null when the segment had a discount already. */
export async function makeDemoDiscount(shop: string): Promise<string | null> {
  const segment = demoSegmentName();
  if ((await segmentDiscounts(shop, segment)).length > 0) return null;
  const outcome = await createDiscountForSegment(shop, segment, DEMO_DISCOUNT.form);
  if (!outcome.ok) throw new Error(`the demo discount was refused: ${JSON.stringify(outcome.fieldErrors)}`);
  return `${DEMO_DISCOUNT.form.code} for ${segment}`;
}

/** Up to `count` members of the segment who carry its tag in the local Shopify, once some do (or none in time). */
async function taggedMembers(shop: string, segmentId: string, shopify: EmulatorClient, count: number) {
  const tag = DEMO_TAGS[DEMO_DISCOUNT.templateId]!;
  const deadline = Date.now() + DEMO_DISCOUNT.tagWaitMs;
  for (;;) {
    const { members } = await segmentMembers(shop, segmentId, count * 4);
    const tagged: string[] = [];
    for (const member of members) {
      if ((await shopify.getCustomer(shop, Number(member.customerId))).tags.includes(tag))
        tagged.push(member.customerId);
      if (tagged.length === count) return tagged;
    }
    if ((tagged.length > 0 && tagged.length === members.length) || Date.now() > deadline) return tagged;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** How many orders were placed with the demo code: none when some already used it. */
export async function placeDemoOrders(shop: string, emulatorUrl: string): Promise<number> {
  const [discount] = await segmentDiscounts(shop, demoSegmentName());
  if (!discount || discount.code === null || discount.redemptions > 0) return 0;
  const segment = await discountSegment(shop, demoSegmentName());
  const shopify = new EmulatorClient(emulatorUrl);
  const members = await taggedMembers(shop, segment.id, shopify, DEMO_DISCOUNT.orders);
  for (const [index, customerId] of members.entries()) {
    await shopify.createOrder(shop, {
      customerId: Number(customerId),
      lineItems: [{ title: "Leather weekender", price: `${120 + index * 35}.00`, quantity: 1 }],
      discountCodes: [discount.code],
      financialStatus: "PAID",
    });
  }
  return members.length;
}
