import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Collapsible,
  FormLayout,
  InlineStack,
  Select,
  SkeletonBodyText,
  Text,
  TextField,
} from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { FieldErrors } from "../../services/discounts/discount-request.js";
import type { StoredDiscount } from "../../services/discounts/ports.js";
import type { SegmentDiscountView } from "../../services/discounts/segment-discounts.js";
import { formatCount } from "../segments/segment-format.js";
import { useMoneyFormat } from "../use-money-format.js";

/** What app/routes/app.segments.$id.discounts.tsx answers. */
type DiscountList = { discounts: SegmentDiscountView[] };
type DiscountActionData =
  { ok: true; discount: StoredDiscount; warnings: string[] } | { ok: false; fieldErrors: FieldErrors };

const t = segmentPage.discounts;

const STATUS_TONE: Record<SegmentDiscountView["status"], "success" | "info" | "critical" | undefined> = {
  ACTIVE: "success",
  SCHEDULED: "info",
  EXPIRED: undefined,
  DELETED: "critical",
  UNKNOWN: undefined,
};

interface DiscountForm {
  method: "code" | "automatic" | "function";
  kind: "percentage" | "fixed" | "free_shipping";
  value: string;
  code: string;
  title: string;
  startsAt: string;
  endsAt: string;
  minimumSubtotal: string;
  usageLimit: string;
  appliesOncePerCustomer: boolean;
  combinesWithOrderDiscounts: boolean;
  combinesWithProductDiscounts: boolean;
  combinesWithShippingDiscounts: boolean;
}

const EMPTY_FORM: DiscountForm = {
  method: "code",
  kind: "percentage",
  value: "",
  code: "",
  title: "",
  startsAt: "",
  endsAt: "",
  minimumSubtotal: "",
  usageLimit: "",
  appliesOncePerCustomer: false,
  combinesWithOrderDiscounts: false,
  combinesWithProductDiscounts: false,
  combinesWithShippingDiscounts: false,
};

/** The fields the method and type leave meaningful: nothing else is sent, so nothing else can be refused. */
function submittedFields(form: DiscountForm): Record<string, string> {
  const fields: Record<string, string> = {
    method: form.method,
    kind: form.kind,
    title: form.title,
    startsAt: form.startsAt,
    endsAt: form.endsAt,
    combinesWithOrderDiscounts: String(form.combinesWithOrderDiscounts),
    combinesWithProductDiscounts: String(form.combinesWithProductDiscounts),
    combinesWithShippingDiscounts: String(form.combinesWithShippingDiscounts),
  };
  if (form.kind !== "free_shipping") fields.value = form.value;
  // The tag Function checks the buyer's tags only: no subtotal, code or usage rules.
  if (form.method !== "function") fields.minimumSubtotal = form.minimumSubtotal;
  if (form.method === "code") {
    fields.code = form.code;
    fields.usageLimit = form.usageLimit;
    fields.appliesOncePerCustomer = String(form.appliesOncePerCustomer);
  }
  return fields;
}

/**
 * The segment's discounts: one form creates a code or automatic discount limited to the segment's members (through a
 * Shopify segment on its tag), and the table shows each discount's status and what the orders that used it earned.
 */
export function SegmentDiscountsCard({ segmentId }: { segmentId: string }) {
  const path = `/app/segments/${segmentId}/discounts`;
  const list = useFetcher<DiscountList>();
  const create = useFetcher<DiscountActionData>();
  const [form, setForm] = useState<DiscountForm>(EMPTY_FORM);
  const [moreOpen, setMoreOpen] = useState(false);
  const set =
    <K extends keyof DiscountForm>(key: K) =>
    (value: DiscountForm[K]) =>
      setForm((current) => ({ ...current, [key]: value }));

  const { load } = list;
  useEffect(() => {
    load(path);
  }, [load, path]);
  const created = create.state === "idle" && create.data?.ok ? create.data : null;
  useEffect(() => {
    if (!created) return;
    setForm(EMPTY_FORM);
    load(path);
  }, [created, load, path]);

  const errors: FieldErrors = create.state === "idle" && create.data && !create.data.ok ? create.data.fieldErrors : {};
  const moreErrors = Boolean(errors.startsAt || errors.endsAt || errors.minimumSubtotal || errors.usageLimit);
  const submit = () => create.submit(submittedFields(form), { method: "post", action: path });

  return (
    <div data-testid="segment-discounts">
      <Card>
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t.heading}
          </Text>
          <Text as="p" tone="subdued">
            {t.description}
          </Text>
          {errors.segment || errors.form ? (
            <Banner tone="critical">
              <p data-testid="discount-error">{errors.segment ?? errors.form}</p>
            </Banner>
          ) : null}
          {created ? (
            <Banner tone="success">
              <p data-testid="discount-created">{t.created(created.discount.title)}</p>
            </Banner>
          ) : null}
          {created?.warnings.map((warning) => (
            <Banner key={warning} tone="warning">
              <p>{warning}</p>
            </Banner>
          ))}
          <FormLayout>
            <Select
              label={t.methodLabel}
              value={form.method}
              onChange={(value) => set("method")(value as DiscountForm["method"])}
              options={[
                { value: "code", label: t.methods.code },
                { value: "automatic", label: t.methods.automatic },
                { value: "function", label: t.methods.function },
              ]}
              helpText={form.method === "function" ? t.functionHelp : undefined}
              error={errors.method}
            />
            <Select
              label={t.kindLabel}
              value={form.kind}
              onChange={(value) => set("kind")(value as DiscountForm["kind"])}
              options={[
                { value: "percentage", label: t.kinds.percentage },
                { value: "fixed", label: t.kinds.fixed },
                { value: "free_shipping", label: t.kinds.free_shipping },
              ]}
              error={errors.kind}
            />
            {form.kind !== "free_shipping" ? (
              <TextField
                label={t.valueLabel}
                type="number"
                min={0}
                value={form.value}
                onChange={set("value")}
                suffix={form.kind === "percentage" ? t.percentSuffix : undefined}
                autoComplete="off"
                error={errors.value}
              />
            ) : null}
            {form.method === "code" ? (
              <TextField
                label={t.codeLabel}
                value={form.code}
                onChange={set("code")}
                helpText={t.codeHelp}
                autoComplete="off"
                error={errors.code}
              />
            ) : null}
            <TextField
              label={t.titleLabel}
              value={form.title}
              onChange={set("title")}
              helpText={t.titleHelp}
              autoComplete="off"
              error={errors.title}
            />
          </FormLayout>
          <Box>
            <Button
              variant="plain"
              disclosure={moreOpen || moreErrors ? "up" : "down"}
              onClick={() => setMoreOpen((open) => !open)}
              ariaExpanded={moreOpen || moreErrors}
              ariaControls="discount-more-options"
            >
              {t.more}
            </Button>
          </Box>
          <Collapsible id="discount-more-options" open={moreOpen || moreErrors}>
            <FormLayout>
              <FormLayout.Group>
                <TextField
                  label={t.startsAtLabel}
                  type="date"
                  value={form.startsAt}
                  onChange={set("startsAt")}
                  helpText={t.startsAtHelp}
                  autoComplete="off"
                  error={errors.startsAt}
                />
                <TextField
                  label={t.endsAtLabel}
                  type="date"
                  value={form.endsAt}
                  onChange={set("endsAt")}
                  helpText={t.endsAtHelp}
                  autoComplete="off"
                  error={errors.endsAt}
                />
              </FormLayout.Group>
              {form.method !== "function" ? (
                <TextField
                  label={t.minimumSubtotalLabel}
                  type="number"
                  min={0}
                  value={form.minimumSubtotal}
                  onChange={set("minimumSubtotal")}
                  autoComplete="off"
                  error={errors.minimumSubtotal}
                />
              ) : null}
              {form.method === "code" ? (
                <>
                  <TextField
                    label={t.usageLimitLabel}
                    type="number"
                    min={1}
                    value={form.usageLimit}
                    onChange={set("usageLimit")}
                    autoComplete="off"
                    error={errors.usageLimit}
                  />
                  <Checkbox
                    label={t.appliesOncePerCustomer}
                    checked={form.appliesOncePerCustomer}
                    onChange={set("appliesOncePerCustomer")}
                  />
                </>
              ) : null}
              <Checkbox
                label={t.combinesWithOrderDiscounts}
                checked={form.combinesWithOrderDiscounts}
                onChange={set("combinesWithOrderDiscounts")}
              />
              <Checkbox
                label={t.combinesWithProductDiscounts}
                checked={form.combinesWithProductDiscounts}
                onChange={set("combinesWithProductDiscounts")}
              />
              <Checkbox
                label={t.combinesWithShippingDiscounts}
                checked={form.combinesWithShippingDiscounts}
                onChange={set("combinesWithShippingDiscounts")}
              />
            </FormLayout>
          </Collapsible>
          <Box>
            <Button variant="primary" onClick={submit} loading={create.state !== "idle"}>
              {t.create}
            </Button>
          </Box>
          <DiscountTable list={list.data} />
        </BlockStack>
      </Card>
    </div>
  );
}

function DiscountTable({ list }: { list: DiscountList | undefined }) {
  const money = useMoneyFormat();
  if (list === undefined) return <SkeletonBodyText lines={3} />;
  if (list.discounts.length === 0)
    return (
      <Text as="p" tone="subdued">
        {t.empty}
      </Text>
    );
  return (
    <BlockStack gap="200">
      {list.discounts.map((discount) => (
        <div key={discount.id} data-testid="discount" data-code={discount.code ?? undefined}>
          <Box borderColor="border" borderWidth="025" borderRadius="200" padding="300">
            <BlockStack gap="100">
              <InlineStack align="space-between" blockAlign="center" gap="200" wrap={false}>
                <Text as="h3" variant="headingSm">
                  <span data-testid="discount-title">{discount.title}</span>
                </Text>
                <Badge tone={STATUS_TONE[discount.status]}>{t.statuses[discount.status]}</Badge>
              </InlineStack>
              <Text as="p" tone="subdued">
                {t.columns.code}: {discount.code ?? (discount.method === "function" ? t.tagFunction : t.automatic)}
              </Text>
              {discount.code === null ? (
                <Text as="p" tone="subdued">
                  {t.notAttributed}
                </Text>
              ) : (
                <InlineStack gap="400">
                  <Text as="p">
                    {t.columns.orders}:{" "}
                    <span data-testid="discount-redemptions">{formatCount(discount.redemptions)}</span>
                  </Text>
                  <Text as="p">
                    {t.columns.revenue}: <span data-testid="discount-revenue">{money(discount.revenue)}</span>
                  </Text>
                </InlineStack>
              )}
            </BlockStack>
          </Box>
        </div>
      ))}
      <Text as="p" tone="subdued" variant="bodySm">
        {t.attributionHelp}
      </Text>
    </BlockStack>
  );
}
