import { memo } from "react";
import { BlockStack, Box, Button, Checkbox, InlineStack, Select, Text } from "@shopify/polaris";
import {
  addGroup,
  addRule,
  builderFields,
  defaultCondition,
  operatorOf,
  operatorsFor,
  removeNode,
  replaceCondition,
  setJoin,
  setNegated,
  withField,
  withOperator,
  type BuilderGroup,
  type BuilderNode,
  type BuilderPath,
  type GroupJoin,
} from "../../domain/segments/segment-builder-tree.js";
import { PURCHASE_MEASURES, segmentField, type SegmentOperator } from "../../domain/segments/segment-fields.js";
import type { FunctionArgument, SegmentCondition, SegmentValue } from "../../domain/segments/segment-tree.js";
import { segmentEditor as t } from "../../locales/en/segments.js";
import { BooleanInput, DateInput, IdsInput, NumberInput, SegmentValueInput } from "./segment-value-input.js";

const FIELD_OPTIONS = builderFields().map((field) => ({ label: field.name.replace(/_/g, " "), value: field.name }));
const NEW_RULE_FIELD = "number_of_orders";

function withArgument(condition: SegmentCondition, name: string, argument: FunctionArgument | null): SegmentCondition {
  const others = (condition.arguments ?? []).filter((candidate) => candidate.name !== name);
  const next = argument === null ? others : [...others, argument];
  // Arguments print in the catalog's order (id, date, measure), as Shopify writes them.
  const order = segmentField(condition.field)?.function?.arguments.map((spec) => spec.name) ?? [];
  next.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return { ...condition, arguments: next };
}

function FunctionArguments({
  condition,
  onChange,
  label,
}: {
  condition: SegmentCondition;
  onChange: (condition: SegmentCondition) => void;
  label: string;
}) {
  const field = segmentField(condition.field);
  if (field?.function === undefined) return null;
  const argument = (name: string) => condition.arguments?.find((candidate) => candidate.name === name);
  const dateSpec = field.function.arguments.find((spec) => spec.valueType === "date");
  const hasMeasure = field.function.arguments.some((spec) => spec.valueType === "measure");
  const measure = argument("measure")?.values[0];
  return (
    <InlineStack gap="300" blockAlign="start">
      <Box minWidth="16rem">
        <IdsInput
          label={`${label}: ${t.idsLabel}`}
          values={argument("id")?.values ?? []}
          onChange={(values) => onChange(withArgument(condition, "id", { name: "id", values, list: true }))}
        />
      </Box>
      {dateSpec ? (
        <BlockStack gap="100">
          <Text as="span">{t.sinceLabel}</Text>
          <DateInput
            label={`${label}: ${t.sinceLabel}`}
            optional
            value={argument(dateSpec.name)?.values[0] ?? null}
            onChange={(date) =>
              onChange(
                withArgument(
                  condition,
                  dateSpec.name,
                  date === null ? null : { name: dateSpec.name, values: [date], list: false },
                ),
              )
            }
          />
        </BlockStack>
      ) : null}
      {hasMeasure ? (
        <Select
          label={t.measureLabel}
          options={[{ label: t.measureNone, value: "" }, ...PURCHASE_MEASURES.map((m) => ({ label: m, value: m }))]}
          value={measure?.type === "string" ? measure.value : ""}
          onChange={(next) =>
            onChange(
              withArgument(
                condition,
                "measure",
                next === "" ? null : { name: "measure", values: [{ type: "string", value: next }], list: false },
              ),
            )
          }
        />
      ) : null}
    </InlineStack>
  );
}

function ConditionValues({
  condition,
  onChange,
  label,
}: {
  condition: SegmentCondition;
  onChange: (condition: SegmentCondition) => void;
  label: string;
}) {
  const field = segmentField(condition.field);
  if (field === undefined || condition.kind === "nullCheck") return null;
  const input = (value: SegmentValue, which: string, set: (value: SegmentValue) => void) => {
    if (field.function !== undefined) {
      const allowCount = field.function.results.includes("count");
      if (value.type === "boolean" || !allowCount) {
        return <BooleanInput label={which} value={value} onChange={set} allowCount={allowCount} />;
      }
      return <NumberInput label={which} value={value} onChange={set} />;
    }
    return <SegmentValueInput field={field} label={which} value={value} onChange={set} />;
  };
  if (condition.kind === "between") {
    return (
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        {input(condition.low, `${label}: ${t.lowLabel}`, (low) => onChange({ ...condition, low }))}
        <Text as="span">and</Text>
        {input(condition.high, `${label}: ${t.highLabel}`, (high) => onChange({ ...condition, high }))}
      </InlineStack>
    );
  }
  return input(condition.value, `${label}: ${t.valueLabel}`, (value) => {
    const next = { ...condition, value };
    // A function field switched between yes/no and a count keeps an operator the new kind of value takes.
    if (next.kind === "comparison" && value.type === "boolean" && next.operator !== "=" && next.operator !== "!=") {
      onChange({ ...next, operator: "=" });
    } else onChange(next);
  });
}

function RuleRow({
  condition,
  negated,
  path,
  root,
  onChange,
}: {
  condition: SegmentCondition;
  negated: boolean;
  path: BuilderPath;
  root: BuilderGroup;
  onChange: (root: BuilderGroup) => void;
}) {
  const label = `Rule ${path.map((index) => index + 1).join(".")}`;
  const set = (next: SegmentCondition) => onChange(replaceCondition(root, path, next));
  const operators = operatorsFor(condition).map((operator) => ({ label: t.operators[operator], value: operator }));
  return (
    <Box padding="300" borderWidth="025" borderColor="border" borderRadius="200" background="bg-surface">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center" wrap>
          <Checkbox
            label={t.not}
            helpText={undefined}
            checked={negated}
            onChange={(checked) => onChange(setNegated(root, path, checked))}
          />
          <Select
            label={`${label}: ${t.fieldLabel}`}
            labelHidden
            options={FIELD_OPTIONS}
            value={condition.field}
            onChange={(fieldName) => set(withField(condition, fieldName))}
          />
          <Select
            label={`${label}: ${t.operatorLabel}`}
            labelHidden
            options={operators}
            value={operatorOf(condition)}
            onChange={(operator) => set(withOperator(condition, operator as SegmentOperator))}
          />
          <ConditionValues condition={condition} onChange={set} label={label} />
          <Button
            variant="tertiary"
            tone="critical"
            accessibilityLabel={`${t.removeRule} ${path.map((index) => index + 1).join(".")}`}
            onClick={() => onChange(removeNode(root, path))}
          >
            {t.remove}
          </Button>
        </InlineStack>
        <FunctionArguments condition={condition} onChange={set} label={label} />
      </BlockStack>
    </Box>
  );
}

function GroupBox({
  group,
  path,
  root,
  onChange,
}: {
  group: BuilderGroup;
  path: BuilderPath;
  root: BuilderGroup;
  onChange: (root: BuilderGroup) => void;
}) {
  const nested = path.length > 0;
  const name = nested ? `Group ${path.map((index) => index + 1).join(".")}` : "Rules";
  const body = (
    <BlockStack gap="200">
      <InlineStack gap="300" blockAlign="center">
        <Select
          label={`${name}: ${t.joinLabel}`}
          labelHidden
          options={(["and", "or"] as const).map((join) => ({ label: t.joins[join], value: join }))}
          value={group.join}
          onChange={(join) => onChange(setJoin(root, path, join as GroupJoin))}
        />
        <Checkbox
          label={t.not}
          checked={group.negated}
          onChange={(checked) => onChange(setNegated(root, path, checked))}
        />
        {nested ? (
          <Button variant="tertiary" tone="critical" onClick={() => onChange(removeNode(root, path))}>
            {t.removeGroup}
          </Button>
        ) : null}
      </InlineStack>
      {group.children.length === 0 ? (
        <Text as="p" tone="subdued">
          {t.builderEmpty}
        </Text>
      ) : null}
      {group.children.map((child, index) => (
        <NodeView key={index} node={child} path={[...path, index]} root={root} onChange={onChange} />
      ))}
      <InlineStack gap="200">
        <Button onClick={() => onChange(addRule(root, path, defaultCondition(NEW_RULE_FIELD)))}>{t.addRule}</Button>
        <Button onClick={() => onChange(addGroup(root, path, defaultCondition(NEW_RULE_FIELD)))}>{t.addGroup}</Button>
      </InlineStack>
    </BlockStack>
  );
  if (!nested) return body;
  return (
    <Box
      padding="300"
      borderWidth="025"
      borderColor="border-emphasis"
      borderRadius="200"
      background="bg-surface-secondary"
    >
      {body}
    </Box>
  );
}

function NodeView({
  node,
  path,
  root,
  onChange,
}: {
  node: BuilderNode;
  path: BuilderPath;
  root: BuilderGroup;
  onChange: (root: BuilderGroup) => void;
}) {
  if (node.kind === "group") return <GroupBox group={node} path={path} root={root} onChange={onChange} />;
  return <RuleRow condition={node.condition} negated={node.negated} path={path} root={root} onChange={onChange} />;
}

/** The visual rule builder: edits the builder tree; the editor prints it into the query text. */
/** Memoized: while the text box holds text that does not parse, the builder keeps its tree and is not rendered again. */
export const SegmentRuleBuilder = memo(function SegmentRuleBuilder({
  root,
  onChange,
}: {
  root: BuilderGroup;
  onChange: (root: BuilderGroup) => void;
}) {
  return <GroupBox group={root} path={[]} root={root} onChange={onChange} />;
});
