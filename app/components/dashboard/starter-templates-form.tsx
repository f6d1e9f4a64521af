import { Form } from "@remix-run/react";
import { BlockStack, Button, Card, Checkbox, InlineError, Text } from "@shopify/polaris";
import { useState } from "react";
import { dashboard } from "../../locales/en/dashboard.js";

const PRESELECTED = ["vip-top-spenders", "champions", "at-risk"];

/** First run on a shop without segments: pick three templates, Cohort creates them. */
export function StarterTemplatesForm({
  templates,
  error,
}: {
  templates: Array<{ id: string; name: string; description: string }>;
  error: string | undefined;
}) {
  const [chosen, setChosen] = useState<string[]>(PRESELECTED.filter((id) => templates.some((t) => t.id === id)));
  return (
    <Card>
      <Form method="post" data-testid="starter-templates-form">
        <input type="hidden" name="intent" value="start-with-templates" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {dashboard.firstRunHeading}
          </Text>
          <Text as="p">{dashboard.firstRunBody}</Text>
          {templates.map((template) => (
            <div key={template.id} data-testid={`starter-template-${template.id}`}>
              <Checkbox
                label={template.name}
                helpText={template.description}
                name="templateIds"
                value={template.id}
                checked={chosen.includes(template.id)}
                onChange={(checked) =>
                  setChosen((current) =>
                    checked ? [...current, template.id] : current.filter((id) => id !== template.id),
                  )
                }
              />
            </div>
          ))}
          {error ? <InlineError message={error} fieldID="templateIds" /> : null}
          <div>
            <Button submit variant="primary">
              {dashboard.firstRunSubmit}
            </Button>
          </div>
        </BlockStack>
      </Form>
    </Card>
  );
}
