/**
 * True for the Admin client's `ShopUnavailableError` with status 401 (matched by shape: services do not import the
 * Shopify adapter). Other refusals (402 frozen, 423 locked, no session) keep their current handling.
 */
export function isAccessRevoked(error: unknown): error is Error & { shop: string; status: 401 } {
  return (
    error instanceof Error &&
    error.name === "ShopUnavailableError" &&
    (error as { status?: unknown }).status === 401 &&
    typeof (error as { shop?: unknown }).shop === "string"
  );
}

export function revokedAccessReason(error: Error): string {
  return `${error.name}: ${error.message}`;
}
