import { useState } from "react";
import { useNavigate, useNavigation, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Link,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { segmentPage } from "../../locales/en/segment-page.js";
import type { SegmentPage } from "../../services/segments/segment-detail-page.js";
import { useMoneyFormat } from "../use-money-format.js";
import { formatDay } from "./segment-format.js";

type Members = SegmentPage["members"];
const SORTS = Object.keys(segmentPage.members.sorts) as Array<keyof typeof segmentPage.members.sorts>;

/**
 * The members, one keyset page at a time: search and sort run on the server (the URL carries them), Next follows
 * the page's cursor, Previous pops the cursors walked so far (`back`, in the URL too).
 */
export function MembersTable({ members }: { members: Members }) {
  const t = segmentPage.members;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const money = useMoneyFormat();
  const [search, setSearch] = useState(members.query.search);
  const sortValue = `${members.query.sort}-${members.query.direction}`;
  // "" stands for the first page; an absent `back` with a cursor also means the first page came before.
  const back = params.get("back")?.split(",") ?? [];

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  };
  const restart = { after: null, back: null };

  const rows = members.rows.map((row, index) => (
    <IndexTable.Row id={row.customerId} key={row.customerId} position={index}>
      <IndexTable.Cell>
        <Link url={`/app/customers/${row.customerId}`} removeUnderline dataPrimaryLink>
          <span data-testid="member-name">{row.name ?? `${t.unnamed} ${row.customerId}`}</span>
        </Link>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <span data-testid="member-email">{row.email ?? ""}</span>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {money(row.netSpend)}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {row.netOrderCount}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDay(row.lastOrderAt, t.never)}</IndexTable.Cell>
      <IndexTable.Cell>{formatDay(row.enteredAt)}</IndexTable.Cell>
    </IndexTable.Row>
  ));

  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {t.heading}
            </Text>
            <form
              role="search"
              onSubmit={(event) => {
                event.preventDefault();
                go({ q: search, ...restart });
              }}
            >
              <InlineStack gap="300" blockAlign="end" wrap={false}>
                <div style={{ flex: 1 }}>
                  <TextField
                    label={t.searchLabel}
                    labelHidden
                    name="q"
                    value={search}
                    onChange={setSearch}
                    placeholder={t.searchPlaceholder}
                    autoComplete="off"
                    clearButton
                    onClearButtonClick={() => {
                      setSearch("");
                      go({ q: null, ...restart });
                    }}
                  />
                </div>
                <Button submit>{t.search}</Button>
                <Select
                  label={t.sortLabel}
                  labelInline
                  options={SORTS.map((value) => ({ value, label: t.sorts[value] }))}
                  value={sortValue}
                  onChange={(value) => go({ sort: value, ...restart })}
                />
              </InlineStack>
            </form>
            {members.searchLimited ? (
              <Text as="p" tone="subdued" variant="bodySm">
                {t.searchLimited}
              </Text>
            ) : null}
          </BlockStack>
        </Box>
        <IndexTable
          resourceName={t.resourceName}
          itemCount={members.rows.length}
          selectable={false}
          loading={navigation.state === "loading"}
          emptyState={
            <EmptyState heading={members.query.search ? t.emptySearch : t.emptyTitle} image="">
              {members.query.search ? null : <p>{t.emptyBody}</p>}
            </EmptyState>
          }
          headings={[
            { title: t.customer },
            { title: t.email },
            { title: t.spend, alignment: "end" },
            { title: t.orders, alignment: "end" },
            { title: t.lastOrder },
            { title: t.entered },
          ]}
          pagination={{
            hasNext: members.next !== null,
            onNext: () => go({ after: members.next, back: [...back, members.query.after ?? ""].join(",") }),
            hasPrevious: members.query.after !== null,
            onPrevious: () => {
              const previous = back.slice(0, -1);
              go({ after: back.at(-1) ?? null, back: previous.length > 0 ? previous.join(",") : null });
            },
          }}
        >
          {rows}
        </IndexTable>
      </BlockStack>
    </Card>
  );
}
