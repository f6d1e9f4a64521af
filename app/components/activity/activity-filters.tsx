import { useState } from "react";
import { useNavigate, useSearchParams } from "@remix-run/react";
import { ChoiceList, Filters } from "@shopify/polaris";
import { activity as t } from "../../locales/en/activity.js";

const CURSORS = ["tagsBefore", "eventsBefore"];

/** Segment, cause, time and event status filters, and the customer id as the query; all kept in the URL. */
export function ActivityFilters({ segments }: { segments: Array<{ id: string; name: string }> }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [customer, setCustomer] = useState(params.get("customer") ?? "");
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    for (const cursor of CURSORS) next.delete(cursor);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  };
  const choice = (key: string, title: string, choices: Array<{ label: string; value: string }>) => ({
    key,
    label: title,
    filter: (
      <ChoiceList
        title={title}
        titleHidden
        choices={choices}
        selected={params.get(key) ? [params.get(key)!] : []}
        onChange={(selected) => set(key, selected[0] ?? null)}
      />
    ),
    shortcut: true,
  });
  const filters = [
    choice("segment", t.filters.segment, segments.map((s) => ({ label: s.name, value: s.id }))),
    choice(
      "cause",
      t.filters.cause,
      Object.entries(t.filters.causes).map(([value, label]) => ({ value, label })),
    ),
    choice(
      "days",
      t.filters.time,
      Object.entries(t.filters.days).map(([value, label]) => ({ value, label })),
    ),
    choice(
      "status",
      t.filters.status,
      Object.entries(t.events.statuses).map(([value, label]) => ({ value, label })),
    ),
  ];
  const labelOf = (key: string, value: string): string => {
    if (key === "segment") return `${t.filters.segment}: ${segments.find((s) => s.id === value)?.name ?? value}`;
    if (key === "cause") return `${t.filters.cause}: ${t.filters.causes[value as keyof typeof t.filters.causes] ?? value}`;
    if (key === "days") return t.filters.days[value as keyof typeof t.filters.days] ?? value;
    return `${t.filters.status}: ${t.events.statuses[value as keyof typeof t.events.statuses] ?? value}`;
  };
  const applied = ["segment", "cause", "days", "status"].flatMap((key) => {
    const value = params.get(key);
    return value ? [{ key, label: labelOf(key, value), onRemove: () => set(key, null) }] : [];
  });
  return (
    <Filters
      queryValue={customer}
      queryPlaceholder={t.filters.searchPlaceholder}
      onQueryChange={(value) => {
        setCustomer(value);
        if (value === "" || /^\d{1,20}$/.test(value)) set("customer", value || null);
      }}
      onQueryClear={() => {
        setCustomer("");
        set("customer", null);
      }}
      filters={filters}
      appliedFilters={applied}
      onClearAll={() => navigate("?")}
    />
  );
}
