import {
  Kind,
  parse,
  print,
  visit,
  type FragmentDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * A document with its named fragments spliced into the selections that spread them, and the fragment definitions
 * dropped. Bulk queries are sent in this form: every bulk query Shopify documents or that was captured live is
 * written without named fragments, so the export does not depend on Shopify accepting them there. A field the
 * selection already has (same response key, no sub-selection) is not repeated.
 */
export function withFragmentsInlined(document: string): string {
  const parsed = parse(document);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of parsed.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const expand = (selectionSet: SelectionSetNode, seen: string[]): SelectionSetNode => {
    const selections: SelectionNode[] = [];
    const leafKeys = new Set<string>();
    const add = (selection: SelectionNode) => {
      if (selection.kind === Kind.FIELD && !selection.selectionSet) {
        const key = selection.alias?.value ?? selection.name.value;
        if (leafKeys.has(key)) return;
        leafKeys.add(key);
      }
      selections.push(selection);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FRAGMENT_SPREAD) {
        add(
          selection.selectionSet
            ? ({ ...selection, selectionSet: expand(selection.selectionSet, seen) } as SelectionNode)
            : selection,
        );
        continue;
      }
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) throw new Error(`Unknown fragment ${name}`);
      if (seen.includes(name)) throw new Error(`Fragment ${name} spreads itself`);
      for (const inner of expand(fragment.selectionSet, [...seen, name]).selections) add(inner);
    }
    return { ...selectionSet, selections };
  };
  const inlined = visit(parsed, {
    [Kind.FRAGMENT_DEFINITION]: () => null,
    [Kind.OPERATION_DEFINITION]: (operation) => ({ ...operation, selectionSet: expand(operation.selectionSet, []) }),
  });
  return print(inlined);
}
