/**
 * A typed client for the emulator's control API (`/_emulator/…`), for tests and the app's dev script.
 * Non-2xx answers throw `EmulatorClientError` carrying the status and the server's message.
 */
import type {
  BulkDelayInput,
  BulkFailureInput,
  CancelInput,
  ChaosInput,
  CreateOrderInput,
  CreateShopInput,
  CustomerInput,
  EditOrderInput,
  FireInput,
  InstallInput,
  RefundInput,
  SeedInput,
  SessionTokenInput,
} from "./control/index.js";
import type { InstallationRecord, IssuedTokens } from "./auth/tokens.js";
import type { DemoStoreSummary } from "./demo/generator.js";
import type { ChaosSettings, DeliveryRecord } from "./webhooks/dispatcher.js";
import type { CustomerRecord, OrderRecord, RefundRecord, ShopPlan, ShopRecord } from "./store/types.js";

export class EmulatorClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const message =
      typeof body === "object" && body !== null && "error" in body
        ? String((body as { error: unknown }).error)
        : JSON.stringify(body);
    super(`Emulator answered ${status}: ${message}`);
  }
}

export interface InstallResult extends IssuedTokens {
  shop: ShopRecord;
  installation: InstallationRecord;
}

type DeliverySummary = Omit<DeliveryRecord, "body">;

export class EmulatorClient {
  private readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, "");
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) throw new EmulatorClientError(response.status, parsed);
    return parsed as T;
  }

  private static shop(shop: string): string {
    return encodeURIComponent(shop);
  }

  reset(): Promise<{ ok: true }> {
    return this.call("POST", "/reset", {});
  }

  async createShop(input: CreateShopInput): Promise<ShopRecord> {
    return (await this.call<{ shop: ShopRecord }>("POST", "/shops", input)).shop;
  }

  async listShops(): Promise<ShopRecord[]> {
    return (await this.call<{ shops: ShopRecord[] }>("GET", "/shops")).shops;
  }

  getShop(shop: string): Promise<{ shop: ShopRecord; installation: InstallResult["installation"] | null }> {
    return this.call("GET", `/shops/${EmulatorClient.shop(shop)}`);
  }

  install(shop: string, input: InstallInput = {}): Promise<InstallResult> {
    return this.call("POST", `/shops/${EmulatorClient.shop(shop)}/install`, input);
  }

  uninstall(shop: string): Promise<{ uninstalled: boolean }> {
    return this.call("POST", `/shops/${EmulatorClient.shop(shop)}/uninstall`, {});
  }

  /** Revokes every token the app holds for the shop (the app stays installed): Admin calls answer 401. */
  revokeTokens(shop: string): Promise<{ revoked: boolean }> {
    return this.call("POST", `/shops/${EmulatorClient.shop(shop)}/revoke-tokens`, {});
  }

  async setPlan(shop: string, plan: ShopPlan): Promise<ShopRecord> {
    return (await this.call<{ shop: ShopRecord }>("POST", `/shops/${EmulatorClient.shop(shop)}/plan`, { plan })).shop;
  }

  async seed(shop: string, input: SeedInput): Promise<DemoStoreSummary> {
    return (await this.call<{ summary: DemoStoreSummary }>("POST", `/shops/${EmulatorClient.shop(shop)}/seed`, input))
      .summary;
  }

  async createCustomer(shop: string, input: CustomerInput): Promise<CustomerRecord> {
    return (
      await this.call<{ customer: CustomerRecord }>("POST", `/shops/${EmulatorClient.shop(shop)}/customers`, input)
    ).customer;
  }

  async getCustomer(shop: string, id: number): Promise<CustomerRecord> {
    return (await this.call<{ customer: CustomerRecord }>("GET", `/shops/${EmulatorClient.shop(shop)}/customers/${id}`))
      .customer;
  }

  async updateCustomer(shop: string, id: number, input: CustomerInput): Promise<CustomerRecord> {
    return (
      await this.call<{ customer: CustomerRecord }>("PUT", `/shops/${EmulatorClient.shop(shop)}/customers/${id}`, input)
    ).customer;
  }

  deleteCustomer(shop: string, id: number): Promise<{ deletedCustomerId: number }> {
    return this.call("DELETE", `/shops/${EmulatorClient.shop(shop)}/customers/${id}`);
  }

  async createOrder(shop: string, input: CreateOrderInput): Promise<OrderRecord> {
    return (await this.call<{ order: OrderRecord }>("POST", `/shops/${EmulatorClient.shop(shop)}/orders`, input)).order;
  }

  async getOrder(shop: string, id: number): Promise<OrderRecord> {
    return (await this.call<{ order: OrderRecord }>("GET", `/shops/${EmulatorClient.shop(shop)}/orders/${id}`)).order;
  }

  deleteOrder(shop: string, id: number): Promise<{ deletedOrderId: number }> {
    return this.call("DELETE", `/shops/${EmulatorClient.shop(shop)}/orders/${id}`);
  }

  async payOrder(shop: string, id: number): Promise<OrderRecord> {
    return (await this.call<{ order: OrderRecord }>("POST", `/shops/${EmulatorClient.shop(shop)}/orders/${id}/pay`, {}))
      .order;
  }

  async cancelOrder(shop: string, id: number, input: CancelInput = {}): Promise<OrderRecord> {
    return (
      await this.call<{ order: OrderRecord }>("POST", `/shops/${EmulatorClient.shop(shop)}/orders/${id}/cancel`, input)
    ).order;
  }

  refundOrder(shop: string, id: number, input: RefundInput): Promise<{ order: OrderRecord; refund: RefundRecord }> {
    return this.call("POST", `/shops/${EmulatorClient.shop(shop)}/orders/${id}/refund`, input);
  }

  async editOrder(shop: string, id: number, input: EditOrderInput): Promise<OrderRecord> {
    return (await this.call<{ order: OrderRecord }>("PUT", `/shops/${EmulatorClient.shop(shop)}/orders/${id}`, input))
      .order;
  }

  async fireWebhook(shop: string, input: FireInput): Promise<DeliverySummary[]> {
    return (
      await this.call<{ deliveries: DeliverySummary[] }>(
        "POST",
        `/shops/${EmulatorClient.shop(shop)}/webhooks/fire`,
        input,
      )
    ).deliveries;
  }

  async setChaos(shop: string, input: ChaosInput): Promise<ChaosSettings | null> {
    return (
      await this.call<{ chaos: ChaosSettings | null }>("POST", `/shops/${EmulatorClient.shop(shop)}/chaos`, input)
    ).chaos;
  }

  async clearChaos(shop: string): Promise<void> {
    await this.call("DELETE", `/shops/${EmulatorClient.shop(shop)}/chaos`);
  }

  /** The shop's next bulk operation (a mutation unless `type: "query"`) fails with `errorCode`. */
  async failNextBulkOperation(shop: string, input: BulkFailureInput = {}): Promise<void> {
    await this.call("POST", `/shops/${EmulatorClient.shop(shop)}/bulk/fail-next`, input);
  }

  /** The shop's next bulk mutation finishes `ms` late (or, with `kind: "start"`, every operation starts late). */
  async delayBulkOperation(shop: string, input: BulkDelayInput): Promise<void> {
    await this.call("POST", `/shops/${EmulatorClient.shop(shop)}/bulk/delay`, input);
  }

  async deliveries(shop: string, topic?: string): Promise<DeliveryRecord[]> {
    const query = topic ? `?topic=${encodeURIComponent(topic)}` : "";
    return (
      await this.call<{ deliveries: DeliveryRecord[] }>("GET", `/shops/${EmulatorClient.shop(shop)}/deliveries${query}`)
    ).deliveries;
  }

  async sessionToken(shop: string, input: SessionTokenInput = {}): Promise<string> {
    return (await this.call<{ token: string }>("POST", `/shops/${EmulatorClient.shop(shop)}/session-token`, input))
      .token;
  }
}
