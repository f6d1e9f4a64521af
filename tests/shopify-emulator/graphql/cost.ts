/**
 * Shopify's calculated query cost for the Admin GraphQL API.
 *
 * Documented defaults (shopify.dev "GraphQL Admin API rate limits"): scalar and enum 0, object 1, interface and
 * union the maximum over their possible types, connections sized by `first`/`last`, mutation fields 10. The
 * details below were fitted to real responses (captures in ../shared/shopify-captures (beside the repository) and
 * `extensions.cost.fields` breakdowns people posted):
 * - a connection costs 2 plus `pageSizeMultiplier(first)` × the cost of one node (the node object 1 + its
 *   children); `pageInfo` and `edges`/`cursor` are free. Selecting both `nodes` and `edges { node }` pays for
 *   the node twice, once per selection. Shopify does not multiply by `first` itself but by a
 *   number that grows with the logarithm of it: 1→1, 5→3, 10→4, 50→7, 101→9, 250→11, i.e. ⌊2·ln n⌋ (at least 1).
 * - a mutation field costs 10; the objects its payload returns directly are covered by that (0 each), deeper
 *   objects cost as usual (`orderCustomerSet { order { customer { id } } }` = 11). Not a flat 10: captured
 *   payloads with deeper objects cost 11 to 24.
 * - value-like objects cost 0 (TYPE_COST_OVERRIDES: money, addresses, webhook endpoints — the last seen in every
 *   webhook subscription read and create/update payload captured).
 * - fields returning `Count` (`customersCount`, `productsCount`, …) cost 10.
 * Shopify sets some field costs by hand (e.g. `productCreateMedia` 20); those are listed in FIELD_COST_OVERRIDES
 * as they are found. The actual cost follows the same rules with the number of nodes actually returned.
 */
import {
  getNamedType,
  type GraphQLObjectType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export const MUTATION_FIELD_COST = 10;
export const COUNT_FIELD_COST = 10;
export const CONNECTION_BASE_COST = 2;
export const MAX_QUERY_COST = 1000;

/** `Type.field` → cost of the field itself (children are still added). */
export const FIELD_COST_OVERRIDES: Readonly<Record<string, number>> = {
  "Mutation.productCreateMedia": 20,
};

/** Object types Shopify charges differently from 1 wherever they appear (fitted to captured costs). */
export const TYPE_COST_OVERRIDES: Readonly<Record<string, number>> = {
  MoneyV2: 0,
  MoneyBag: 0,
  MailingAddress: 0,
  WebhookHttpEndpoint: 0,
  WebhookEventBridgeEndpoint: 0,
  WebhookPubSubEndpoint: 0,
};

/** How many nodes a connection of page size `size` is charged for. */
export function pageSizeMultiplier(size: number): number {
  if (!Number.isFinite(size) || size <= 0) return 0;
  return Math.max(1, Math.floor(2 * Math.log(size)));
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export function findOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | null {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0]! : null;
}

function walkFor(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return { schema, fragments, variables: variables ?? {} };
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | null {
  if (operation.operation === "mutation") return schema.getMutationType() ?? null;
  if (operation.operation === "subscription") return schema.getSubscriptionType() ?? null;
  return schema.getQueryType() ?? null;
}

function isIncluded(
  walk: Walk,
  node: {
    directives?: readonly {
      name: { value: string };
      arguments?: readonly { name: { value: string }; value: ValueNode }[];
    }[];
  },
): boolean {
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const ifArgument = directive.arguments?.find((argument) => argument.name.value === "if");
    const value = ifArgument
      ? valueFromAST(ifArgument.value, walk.schema.getType("Boolean") as never, walk.variables)
      : undefined;
    if (name === "skip" && value === true) return false;
    if (name === "include" && value === false) return false;
  }
  return true;
}

/** The fields selected on `type` (one concrete object type), fragments flattened, keyed by response name. */
function fieldsOn(
  walk: Walk,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  into = new Map<string, FieldNode[]>(),
): Map<string, FieldNode[]> {
  for (const selection of selectionSet.selections) {
    if (!isIncluded(walk, selection)) continue;
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      const list = into.get(key) ?? [];
      list.push(selection);
      into.set(key, list);
      continue;
    }
    const condition =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.typeCondition?.name.value
        : walk.fragments.get(selection.name.value)?.typeCondition.name.value;
    const fragmentSelection =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : walk.fragments.get(selection.name.value)?.selectionSet;
    if (!fragmentSelection) continue;
    if (condition && !typeApplies(walk.schema, condition, type)) continue;
    fieldsOn(walk, type, fragmentSelection, into);
  }
  return into;
}

function typeApplies(schema: GraphQLSchema, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const conditionType = schema.getType(condition);
  return conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

function mergedSelectionSet(nodes: FieldNode[]): SelectionSetNode | null {
  const selections = nodes.flatMap((node) => node.selectionSet?.selections ?? []);
  return selections.length ? { kind: Kind.SELECTION_SET, selections } : null;
}

function argumentValue(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode, name: string): unknown {
  const argumentNode = node.arguments?.find((argument) => argument.name.value === name);
  const definition = field.args.find((argument) => argument.name === name);
  if (!argumentNode || !definition) return definition?.defaultValue;
  return valueFromAST(argumentNode.value, definition.type, walk.variables);
}

export function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  return (
    isObjectType(type) &&
    type.name.endsWith("Connection") &&
    ("edges" in type.getFields() || "nodes" in type.getFields())
  );
}

function isCountType(type: GraphQLNamedType): boolean {
  return type.name === "Count";
}

function possibleObjectTypes(schema: GraphQLSchema, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  return isObjectType(type) ? [type] : schema.getPossibleTypes(type);
}

/** Children of a composite value: the maximum over the concrete types it can be. */
function selectionCost(
  walk: Walk,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode | null,
  mode: SelectionMode,
): number {
  if (!selectionSet) return 0;
  let max = 0;
  const candidates = possibleObjectTypes(walk.schema, type);
  // A selection with no type-specific fragments costs the same on every possible type: look at one.
  const typeSpecific = selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD);
  for (const objectType of typeSpecific ? candidates : candidates.slice(0, 1)) {
    let sum = 0;
    for (const [, nodes] of fieldsOn(walk, objectType, selectionSet)) sum += fieldCost(walk, objectType, nodes, mode);
    max = Math.max(max, sum);
  }
  return max;
}

type SelectionMode = "normal" | "mutationPayload";

/** What pricing a field looks at; null for introspection and fields the type does not have (free). */
function pricedField(walk: Walk, parent: GraphQLObjectType, nodes: FieldNode[]) {
  const first = nodes[0]!;
  const name = first.name.value;
  if (name.startsWith("__")) return null;
  const field = parent.getFields()[name];
  if (!field) return null;
  const named = getNamedType(field.type);
  const override = FIELD_COST_OVERRIDES[`${parent.name}.${name}`];
  const isMutationRoot = parent === walk.schema.getMutationType();
  const childSelection = mergedSelectionSet(nodes);
  return { first, field, named, override, isMutationRoot, childSelection };
}

function fieldCost(walk: Walk, parent: GraphQLObjectType, nodes: FieldNode[], mode: SelectionMode): number {
  const facts = pricedField(walk, parent, nodes);
  if (!facts) return 0;
  const { first, field, named, override, isMutationRoot, childSelection } = facts;

  if (isConnectionType(named)) {
    const size = Number(argumentValue(walk, field, first, "first") ?? argumentValue(walk, field, first, "last") ?? 0);
    const own = override ?? CONNECTION_BASE_COST;
    return own + pageSizeMultiplier(size) * connectionNodeCost(walk, named, childSelection);
  }
  if (!isCompositeType(named)) return override ?? 0;
  if (isCountType(named)) return override ?? COUNT_FIELD_COST;
  const own =
    override ??
    (isMutationRoot ? MUTATION_FIELD_COST : mode === "mutationPayload" ? 0 : objectCost(walk.schema, named));
  return own + selectionCost(walk, named, childSelection, isMutationRoot ? "mutationPayload" : "normal");
}

/** An object's own cost; an interface or union costs the most any of its possible types does. */
function objectCost(schema: GraphQLSchema, type: GraphQLNamedType): number {
  const own = TYPE_COST_OVERRIDES[type.name];
  if (own !== undefined) return own;
  if (!isAbstractType(type)) return 1;
  return Math.max(0, ...schema.getPossibleTypes(type).map((possible) => TYPE_COST_OVERRIDES[possible.name] ?? 1));
}

/**
 * One node of a connection: `nodes { … }` and `edges { node { … } }` each charge the node object 1 plus its
 * children, and a connection selecting both pays for both (captures: `customer.orders` with both = 28, products
 * with both = 10 per `products(first: 10)`, webhook subscription lists).
 */
function connectionNodeCost(walk: Walk, connection: GraphQLObjectType, selection: SelectionSetNode | null): number {
  if (!selection) return 0;
  const fields = fieldsOn(walk, connection, selection);
  let cost = 0;
  const nodesField = connection.getFields().nodes;
  const nodesSelections = fields.get("nodes") ?? [...fields.values()].find((list) => list[0]!.name.value === "nodes");
  if (nodesField && nodesSelections) {
    cost +=
      1 +
      selectionCost(
        walk,
        getNamedType(nodesField.type) as GraphQLCompositeType,
        mergedSelectionSet(nodesSelections),
        "normal",
      );
  }
  const edgesField = connection.getFields().edges;
  const edgesSelections = [...fields.values()].filter((list) => list[0]!.name.value === "edges").flat();
  if (edgesField && edgesSelections.length) {
    const edgeType = getNamedType(edgesField.type) as GraphQLObjectType;
    const edgeFields = fieldsOn(
      walk,
      edgeType,
      mergedSelectionSet(edgesSelections) ?? { kind: Kind.SELECTION_SET, selections: [] },
    );
    const nodeSelections = [...edgeFields.values()].filter((list) => list[0]!.name.value === "node").flat();
    const nodeField = edgeType.getFields().node;
    let edgeCost =
      nodeField && nodeSelections.length
        ? 1 +
          selectionCost(
            walk,
            getNamedType(nodeField.type) as GraphQLCompositeType,
            mergedSelectionSet(nodeSelections),
            "normal",
          )
        : 0;
    for (const [, list] of edgeFields) {
      const fieldName = list[0]!.name.value;
      if (fieldName !== "node" && fieldName !== "cursor") edgeCost += fieldCost(walk, edgeType, list, "normal");
    }
    cost += edgeCost;
  }
  return cost;
}

/**
 * What Shopify reports as `requestedQueryCost`: the worst case, before running. `null` when the operation
 * cannot be found (the caller reports that as a validation error).
 */
export function calculateRequestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  const operation = findOperation(document, operationName);
  if (!operation) return 0;
  const walk = walkFor(schema, document, variables);
  const root = rootType(schema, operation);
  if (!root) return 0;
  let total = 0;
  for (const [, nodes] of fieldsOn(walk, root, operation.selectionSet)) total += fieldCost(walk, root, nodes, "normal");
  return total;
}

// ---- actual cost ------------------------------------------------------------------------------------------------

/**
 * What Shopify reports as `actualQueryCost`: the same rules applied to what was returned — connections by the
 * number of nodes they returned, null objects free, abstract types by the type actually returned.
 */
export function calculateActualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  data: Record<string, unknown> | null | undefined,
): number {
  const operation = findOperation(document, operationName);
  if (!operation || !data) return 0;
  const walk = walkFor(schema, document, variables);
  const root = rootType(schema, operation);
  if (!root) return 0;
  let total = 0;
  for (const [key, nodes] of fieldsOn(walk, root, operation.selectionSet)) {
    total += actualFieldCost(walk, root, nodes, data[key], "normal");
  }
  return total;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function concreteType(
  walk: Walk,
  type: GraphQLCompositeType,
  value: Record<string, unknown>,
): GraphQLObjectType | null {
  if (isObjectType(type)) return type;
  const typename = value.__typename;
  if (typeof typename === "string") {
    const found = walk.schema.getType(typename);
    if (found && isObjectType(found)) return found;
  }
  return possibleObjectTypes(walk.schema, type)[0] ?? null;
}

function actualObjectChildren(
  walk: Walk,
  type: GraphQLCompositeType,
  selection: SelectionSetNode | null,
  value: Record<string, unknown>,
  mode: SelectionMode,
): number {
  if (!selection) return 0;
  const objectType = isInterfaceType(type) || !isObjectType(type) ? concreteType(walk, type, value) : type;
  if (!objectType) return 0;
  let sum = 0;
  for (const [key, nodes] of fieldsOn(walk, objectType, selection))
    sum += actualFieldCost(walk, objectType, nodes, value[key], mode);
  return sum;
}

function actualFieldCost(
  walk: Walk,
  parent: GraphQLObjectType,
  nodes: FieldNode[],
  value: unknown,
  mode: SelectionMode,
): number {
  const facts = pricedField(walk, parent, nodes);
  if (!facts) return 0;
  const { named, override, isMutationRoot, childSelection } = facts;

  if (isMutationRoot) {
    // A mutation is charged in full even when it answers null.
    const own = override ?? MUTATION_FIELD_COST;
    return (
      own +
      (isRecord(value) && isCompositeType(named)
        ? actualObjectChildren(walk, named, childSelection, value, "mutationPayload")
        : 0)
    );
  }
  if (value === null || value === undefined) return 0;
  if (isConnectionType(named)) {
    const own = override ?? CONNECTION_BASE_COST;
    return own + actualConnectionNodes(walk, named, childSelection, value);
  }
  if (!isCompositeType(named)) return override ?? 0;
  if (isCountType(named)) return override ?? COUNT_FIELD_COST;
  const own = override ?? (mode === "mutationPayload" ? 0 : objectCost(walk.schema, named));
  if (Array.isArray(value)) {
    // Lists of objects are charged like one object: the worst element.
    let worst = 0;
    for (const item of flatten(value))
      if (isRecord(item)) worst = Math.max(worst, actualObjectChildren(walk, named, childSelection, item, "normal"));
    return value.length ? own + worst : 0;
  }
  return isRecord(value) ? own + actualObjectChildren(walk, named, childSelection, value, "normal") : own;
}

function flatten(values: unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

function actualConnectionNodes(
  walk: Walk,
  connection: GraphQLObjectType,
  selection: SelectionSetNode | null,
  value: unknown,
): number {
  if (!selection || !isRecord(value)) return 0;
  const fields = fieldsOn(walk, connection, selection);
  const nodeType = getNamedType(
    connection.getFields().nodes?.type ?? connection.getFields().edges!.type,
  ) as GraphQLCompositeType;
  const perNode: number[] = [];
  for (const [key, list] of fields) {
    const fieldName = list[0]!.name.value;
    const returned = value[key];
    if (!Array.isArray(returned)) continue;
    if (fieldName === "nodes") {
      returned.forEach((node, index) => {
        const cost = isRecord(node)
          ? 1 + actualObjectChildren(walk, nodeType, mergedSelectionSet(list), node, "normal")
          : 0;
        perNode[index] = (perNode[index] ?? 0) + cost;
      });
    } else if (fieldName === "edges") {
      const edgeType = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
      const edgeFields = fieldsOn(walk, edgeType, mergedSelectionSet(list)!);
      returned.forEach((edge, index) => {
        if (!isRecord(edge)) return;
        let cost = 0;
        for (const [edgeKey, edgeList] of edgeFields) {
          const edgeFieldName = edgeList[0]!.name.value;
          if (edgeFieldName === "cursor") continue;
          const edgeValue = edge[edgeKey];
          if (edgeFieldName === "node") {
            const node = getNamedType(edgeType.getFields().node!.type) as GraphQLCompositeType;
            cost += isRecord(edgeValue)
              ? 1 + actualObjectChildren(walk, node, mergedSelectionSet(edgeList), edgeValue, "normal")
              : 0;
          } else {
            cost += actualFieldCost(walk, edgeType, edgeList, edgeValue, "normal");
          }
        }
        perNode[index] = (perNode[index] ?? 0) + cost;
      });
    }
  }
  if (perNode.length === 0) return 0;
  // Shopify charges the returned page like a requested one of that size, at the worst node's cost.
  return pageSizeMultiplier(perNode.length) * Math.max(...perNode.map((cost) => cost ?? 0));
}

/** Unwraps NonNull/List to see whether a field returns a list. */
export function returnsList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}
