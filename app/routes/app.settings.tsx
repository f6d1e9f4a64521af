import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  isRouteErrorResponse,
  useActionData,
  useLoaderData,
  useNavigation,
  useRouteError,
  useSubmit,
} from "@remix-run/react";
import { SaveBar, TitleBar } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  Layout,
  Page,
  SkeletonBodyText,
  SkeletonPage,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { resetRfmGroups, saveSettings, settingsPage, type SettingsErrors } from "../background/settings-page.server.js";
import { settings as copy } from "../locales/en/settings.js";
import { authenticate } from "../shopify.server.js";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  return settingsPage(admin, session.shop);
};

const rfmJson = z.string().transform((text, context) => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  context.addIssue({ code: z.ZodIssueCode.custom, message: "Enter the groups as a JSON object keyed by group name." });
  return z.NEVER;
});

const SaveSettings = z.object({
  intent: z.literal("save"),
  tagPrefix: z.string().max(100, "A prefix has at most 40 characters."),
  evaluationTime: z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, "Enter a time as HH:MM, from 00:00 to 23:59."),
  tagBulkThreshold: z
    .string()
    .trim()
    .transform((text) => (text === "" ? null : Number(text)))
    .pipe(
      z
        .number({ invalid_type_error: "Enter a whole number." })
        .int("Enter a whole number.")
        .min(1, "Enter a whole number from 1 to 1,000,000.")
        .max(1_000_000, "Enter a whole number from 1 to 1,000,000.")
        .nullable(),
    ),
  rfmGroups: rfmJson,
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  if (form.intent === "reset-rfm") {
    await resetRfmGroups(session.shop);
    return { ok: true as const, errors: {} as SettingsErrors };
  }
  const parsed = SaveSettings.safeParse(form);
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof SettingsErrors;
      errors[field] ??= issue.message;
    }
    return { ok: false as const, errors };
  }
  const { intent: _intent, ...input } = parsed.data;
  const saved = await saveSettings(session.shop, input);
  return saved.ok ? { ok: true as const, errors: {} as SettingsErrors } : { ok: false as const, errors: saved.errors };
};

/**
 * The RFM box grows to its JSON once hydrated (Polaris sizes it in the browser): the space it may grow into is
 * reserved on the server, so nothing below it moves (no layout shift), and past that it scrolls.
 */
const RFM_BOX = { reserved: "26rem", textarea: "22rem" };

export default function Settings() {
  const data = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const initial = {
    tagPrefix: data.tagPrefix,
    evaluationTime: data.evaluationTime,
    tagBulkThreshold: data.tagBulkThreshold === null ? "" : String(data.tagBulkThreshold),
    rfmGroups: JSON.stringify(data.rfmGroups, null, 1),
  };
  const [values, setValues] = useState(initial);
  const [baseline, setBaseline] = useState(initial);
  if (JSON.stringify(initial) !== JSON.stringify(baseline)) {
    // The loader answered anew (after a save): the form starts from what is stored now.
    setBaseline(initial);
    setValues(initial);
  }
  const dirty = JSON.stringify(values) !== JSON.stringify(baseline);
  const errors: SettingsErrors = outcome?.errors ?? {};
  const field = (name: keyof typeof values) => ({
    value: values[name],
    onChange: (value: string) => setValues((current) => ({ ...current, [name]: value })),
    name,
    autoComplete: "off",
    error: errors[name],
  });
  if (navigation.state === "loading" && navigation.location.pathname === "/app/settings") return <SettingsSkeleton />;
  return (
    <Page title={copy.title}>
      <TitleBar title={copy.title} />
      <SaveBar id="settings-save-bar" open={dirty}>
        {/* App Bridge reads `variant` on the save bar's buttons; React passes it through to the element. */}
        <button
          {...{ variant: "primary" }}
          data-testid="settings-save"
          onClick={() => submit({ intent: "save", ...values }, { method: "post" })}
        >
          {copy.save}
        </button>
        <button data-testid="settings-discard" onClick={() => setValues(baseline)}>
          {copy.discard}
        </button>
      </SaveBar>
      <Layout>
        {outcome?.ok ? (
          <Layout.Section>
            <Banner tone="success">
              <span data-testid="settings-saved">{copy.saved}</span>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection title={copy.tagging}>
          <Card>
            <FormLayout>
              <TextField label={copy.tagPrefix} helpText={copy.tagPrefixHelp} {...field("tagPrefix")} />
              <TextField
                label={copy.bulkThreshold}
                helpText={`${copy.bulkThresholdHelp} (${data.defaultTagBulkThreshold}).`}
                type="number"
                {...field("tagBulkThreshold")}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={copy.evaluation}>
          <Card>
            <FormLayout>
              <TextField
                label={copy.evaluationTime}
                helpText={`${copy.evaluationTimeHelp} (${data.timeZone}).`}
                {...field("evaluationTime")}
              />
              <Text as="p" tone="subdued">
                <span data-testid="shop-time-zone">{`${copy.timeZone}: ${data.timeZone}`}</span>
              </Text>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={copy.rfm} description={copy.rfmHelp}>
          <Card>
            <BlockStack gap="300">
              <div style={{ minHeight: RFM_BOX.reserved }}>
                <TextField
                  label={copy.rfm}
                  multiline={8}
                  maxHeight={RFM_BOX.textarea}
                  monospaced
                  {...field("rfmGroups")}
                />
              </div>
              <div>
                <Button onClick={() => submit({ intent: "reset-rfm" }, { method: "post" })}>{copy.rfmReset}</Button>
              </div>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={copy.dataRequests}>
          <Card>
            {data.dataRequests.length === 0 ? (
              <Text as="p" tone="subdued">
                {copy.noDataRequests}
              </Text>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={["Customer", "Requested", "Downloaded", ""]}
                rows={data.dataRequests.map((item) => [
                  <span key="customer" data-testid="settings-data-request">
                    {item.customerId}
                  </span>,
                  item.requestedAt,
                  item.downloadedAt ?? "—",
                  <Button key="download" onClick={() => void download(item.id, item.customerId)}>
                    {copy.download}
                  </Button>,
                ])}
              />
            )}
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

/** App Bridge's fetch carries the session token; the resource route answers the file. */
async function download(id: string, customerId: string): Promise<void> {
  const response = await fetch(`/app/data-requests/${encodeURIComponent(id)}/download`);
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `customer-${customerId}-data-request.json`;
  link.click();
  URL.revokeObjectURL(url);
}

function SettingsSkeleton() {
  return (
    <SkeletonPage title={copy.title}>
      <Card>
        <SkeletonBodyText lines={8} />
      </Card>
    </SkeletonPage>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : String(error);
  return (
    <Page title={copy.title}>
      <Banner tone="critical" title="Settings could not be loaded">
        <p>{message}</p>
      </Banner>
    </Page>
  );
}
