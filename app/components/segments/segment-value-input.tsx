import { InlineStack, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { SegmentField } from "../../domain/segments/segment-fields.js";
import {
  DATE_KEYWORDS,
  DECIMAL_TEXT,
  ISO_DATE,
  RELATIVE_DATE_UNITS,
  type DateValue,
  type SegmentValue,
} from "../../domain/segments/segment-tree.js";
import { segmentEditor as t } from "../../locales/en/segments.js";

interface ValueProps<V extends SegmentValue = SegmentValue> {
  label: string;
  value: V;
  onChange: (value: SegmentValue) => void;
}

/** A text box whose text is kept while it is not (yet) a valid value, and follows the value when that changes. */
function useDraft(shown: string): [string, (text: string) => void] {
  const [draft, setDraft] = useState(shown);
  const [lastShown, setLastShown] = useState(shown);
  if (shown !== lastShown) {
    setLastShown(shown);
    setDraft(shown);
  }
  return [draft, setDraft];
}

export function NumberInput({ label, value, onChange, prefix }: ValueProps & { prefix?: string }) {
  const shown = value.type === "number" ? value.value : "";
  const [draft, setDraft] = useDraft(shown);
  const valid = DECIMAL_TEXT.test(draft.trim());
  return (
    <TextField
      label={label}
      labelHidden
      autoComplete="off"
      inputMode="decimal"
      prefix={prefix}
      value={draft}
      error={valid ? undefined : t.invalidNumber}
      onChange={(text) => {
        setDraft(text);
        if (DECIMAL_TEXT.test(text.trim())) onChange({ type: "number", value: text.trim() });
      }}
    />
  );
}

const unitOptions = RELATIVE_DATE_UNITS.map((unit) => ({ label: t.units[unit], value: unit }));

type DateMode = "relative" | "keyword" | "absolute" | "any";

function defaultDate(mode: DateMode): DateValue | null {
  if (mode === "keyword") return { type: "dateKeyword", keyword: "today" };
  if (mode === "absolute") return { type: "absoluteDate", date: new Date().toISOString().slice(0, 10) };
  if (mode === "relative") return { type: "relativeDate", amount: 30, unit: "d" };
  return null;
}

/** A relative date (-30d), a named day (today) or a calendar date; `optional` adds "any time" (no date). */
export function DateInput({
  label,
  value,
  onChange,
  optional = false,
}: {
  label: string;
  value: SegmentValue | null;
  onChange: (value: DateValue | null) => void;
  optional?: boolean;
}) {
  const mode: DateMode =
    value === null
      ? "any"
      : value.type === "dateKeyword"
        ? "keyword"
        : value.type === "absoluteDate"
          ? "absolute"
          : "relative";
  const modes = [
    ...(optional ? [{ label: t.anyTime, value: "any" }] : []),
    { label: t.dateModes.relative, value: "relative" },
    { label: t.dateModes.keyword, value: "keyword" },
    { label: t.dateModes.absolute, value: "absolute" },
  ];
  const amount = value?.type === "relativeDate" ? String(value.amount) : "";
  const [draft, setDraft] = useDraft(amount);
  return (
    <InlineStack gap="200" blockAlign="start" wrap={false}>
      <Select
        label={`${label}: ${t.dateModes.relative}`}
        labelHidden
        options={modes}
        value={mode}
        onChange={(next) => onChange(defaultDate(next as DateMode))}
      />
      {value?.type === "relativeDate" ? (
        <>
          <div style={{ width: "5rem" }}>
            <TextField
              label={`${label}: ${t.daysAgoLabel}`}
              labelHidden
              autoComplete="off"
              inputMode="numeric"
              value={draft}
              error={/^\d+$/.test(draft) ? undefined : t.invalidNumber}
              onChange={(text) => {
                setDraft(text);
                if (/^\d+$/.test(text)) onChange({ ...value, amount: Number(text) });
              }}
            />
          </div>
          <Select
            label={`${label}: ${t.unitLabel}`}
            labelHidden
            options={unitOptions}
            value={value.unit}
            onChange={(unit) => onChange({ ...value, unit: unit as (typeof RELATIVE_DATE_UNITS)[number] })}
          />
        </>
      ) : null}
      {value?.type === "dateKeyword" ? (
        <Select
          label={`${label}: ${t.dateModes.keyword}`}
          labelHidden
          options={DATE_KEYWORDS.map((keyword) => ({ label: keyword.replace(/_/g, " "), value: keyword }))}
          value={value.keyword}
          onChange={(keyword) => onChange({ type: "dateKeyword", keyword: keyword as (typeof DATE_KEYWORDS)[number] })}
        />
      ) : null}
      {value?.type === "absoluteDate" ? (
        <TextField
          label={`${label}: ${t.dateModes.absolute}`}
          labelHidden
          type="date"
          autoComplete="off"
          value={value.date}
          onChange={(date) => {
            if (ISO_DATE.test(date)) onChange({ type: "absoluteDate", date });
          }}
        />
      ) : null}
    </InlineStack>
  );
}

function TextValueInput({ label, value, onChange, upperCase }: ValueProps & { upperCase?: boolean }) {
  const shown = value.type === "string" ? value.value : "";
  return (
    <TextField
      label={label}
      labelHidden
      autoComplete="off"
      value={shown}
      maxLength={upperCase ? 2 : undefined}
      onChange={(text) => onChange({ type: "string", value: upperCase ? text.toUpperCase() : text })}
    />
  );
}

/** The input for one value of the field, by its type: numbers, money, dates, enums, yes/no, text. */
export function SegmentValueInput({ field, label, value, onChange }: ValueProps & { field: SegmentField }) {
  switch (field.valueType) {
    case "integer":
    case "decimal":
      return <NumberInput label={label} value={value} onChange={onChange} />;
    case "money":
      return <NumberInput label={label} value={value} onChange={onChange} />;
    case "date":
      return <DateInput label={label} value={value} onChange={(date) => date && onChange(date)} />;
    case "enum":
      return (
        <Select
          label={label}
          labelHidden
          options={(field.enumValues ?? []).map((option) => ({
            label: option.replace(/_/g, " ").toLowerCase(),
            value: option,
          }))}
          value={value.type === "string" ? value.value : ""}
          onChange={(option) => onChange({ type: "string", value: option })}
        />
      );
    case "boolean":
      return <BooleanInput label={label} value={value} onChange={onChange} />;
    case "string":
    case "stringList":
      return (
        <TextValueInput
          label={label}
          value={value}
          onChange={onChange}
          upperCase={field.name === "customer_countries"}
        />
      );
  }
}

export function BooleanInput({ label, value, onChange, allowCount = false }: ValueProps & { allowCount?: boolean }) {
  const options = [
    { label: t.booleanValues.true, value: "true" },
    { label: t.booleanValues.false, value: "false" },
    ...(allowCount ? [{ label: t.measureLabel, value: "count" }] : []),
  ];
  const current = value.type === "boolean" ? String(value.value) : "count";
  return (
    <Select
      label={label}
      labelHidden
      options={options}
      value={current}
      onChange={(next) =>
        onChange(next === "count" ? { type: "number", value: "1" } : { type: "boolean", value: next === "true" })
      }
    />
  );
}

/** Ids as the merchant types them ("1, 2, gid://…"): digits as numbers, anything else as text. */
export function idsFromText(text: string): SegmentValue[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => (/^(0|[1-9]\d*)$/.test(part) ? { type: "number", value: part } : { type: "string", value: part }));
}

export function IdsInput({
  label,
  values,
  onChange,
}: {
  label: string;
  values: SegmentValue[];
  onChange: (values: SegmentValue[]) => void;
}) {
  const shown = values
    .map((value) => (value.type === "number" || value.type === "string" ? value.value : ""))
    .join(", ");
  const [draft, setDraft] = useDraft(shown);
  return (
    <TextField
      label={label}
      autoComplete="off"
      value={draft}
      helpText={t.idsHelp}
      onChange={(text) => {
        setDraft(text);
        const ids = idsFromText(text);
        if (ids.length > 0) onChange(ids);
      }}
    />
  );
}
