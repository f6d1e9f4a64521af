/**
 * Which customer a stored webhook body is about, read from the fields Shopify names the customer and order by in
 * each topic. A substring search for the id is not enough: any number in a body (a quantity, a price in cents,
 * another id) can equal it, and a data export must never carry another customer's data.
 */
export interface WebhookSubject {
  /** The customer the body names, when it names one. */
  customerId: string | null;
  /** The order the body is about (an order topic's id, a refund's order). */
  orderId: string | null;
}

function idOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return value;
  if (typeof value === "string") {
    const gid = /^gid:\/\/shopify\/\w+\/(\d+)$/.exec(value);
    return gid ? gid[1]! : null;
  }
  return null;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function webhookSubject(topic: string, payload: unknown): WebhookSubject {
  if (topic.startsWith("customers/")) {
    // customers/create|update|delete carry the customer itself; the privacy topics carry it under `customer`.
    const customerId =
      topic === "customers/data_request" || topic === "customers/redact"
        ? idOf(field(field(payload, "customer"), "id"))
        : idOf(field(payload, "id"));
    return { customerId, orderId: null };
  }
  if (topic.startsWith("orders/")) {
    return { customerId: idOf(field(field(payload, "customer"), "id")), orderId: idOf(field(payload, "id")) };
  }
  if (topic.startsWith("refunds/")) return { customerId: null, orderId: idOf(field(payload, "order_id")) };
  return { customerId: null, orderId: null };
}

/** Whether the body is about this customer: it names them, or one of their orders. */
export function webhookConcernsCustomer(
  topic: string,
  payload: unknown,
  customerId: string,
  customerOrderIds: ReadonlySet<string>,
): boolean {
  const subject = webhookSubject(topic, payload);
  return (
    (subject.customerId !== null && subject.customerId === customerId) ||
    (subject.orderId !== null && customerOrderIds.has(subject.orderId))
  );
}
