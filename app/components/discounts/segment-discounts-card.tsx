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

type TextKey = "value" | "code" | "title" | "startsAt" | "endsAt" | "minimumSubtotal" | "usageLimit";
type ToggleKey = Exclude<keyof DiscountForm, TextKey | "method" | "kind">;
const COMBINATIONS = [
  "combinesWithOrderDiscounts",
  "combinesWithProductDiscounts",
  "combinesWithShippingDiscounts",
] as const satisfies readonly ToggleKey[];

const optionsOf = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

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
  /** A text field's wiring: its value, its setter, the server's error for it. */
  const text = (key: TextKey) => ({ value: form[key], onChange: set(key), error: errors[key], autoComplete: "off" });
  const toggle = (key: ToggleKey) => <Checkbox key={key} label={t[key]} checked={form[key]} onChange={set(key)} />;

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
              options={optionsOf(t.methods)}
              helpText={form.method === "function" ? t.functionHelp : undefined}
              error={errors.method}
            />
            <Select
              label={t.kindLabel}
              value={form.kind}
              onChange={(value) => set("kind")(value as DiscountForm["kind"])}
              options={optionsOf(t.kinds)}
              error={errors.kind}
            />
            {form.kind !== "free_shipping" ? (
              <TextField
                {...text("value")}
                label={t.valueLabel}
                type="number"
                min={0}
                suffix={form.kind === "percentage" ? t.percentSuffix : undefined}
              />
            ) : null}
            {form.method === "code" ? <TextField {...text("code")} label={t.codeLabel} helpText={t.codeHelp} /> : null}
            <TextField {...text("title")} label={t.titleLabel} helpText={t.titleHelp} />
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
                <TextField {...text("startsAt")} label={t.startsAtLabel} type="date" helpText={t.startsAtHelp} />
                <TextField {...text("endsAt")} label={t.endsAtLabel} type="date" helpText={t.endsAtHelp} />
              </FormLayout.Group>
              {form.method !== "function" ? (
                <TextField {...text("minimumSubtotal")} label={t.minimumSubtotalLabel} type="number" min={0} />
              ) : null}
              {form.method === "code" ? (
                <>
                  <TextField {...text("usageLimit")} label={t.usageLimitLabel} type="number" min={1} />
                  {toggle("appliesOncePerCustomer")}
                </>
              ) : null}
              {COMBINATIONS.map(toggle)}
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
