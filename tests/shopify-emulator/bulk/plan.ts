/**
 * A bulk query compiled once: every field with its coerced arguments, what kind of value it is (leaf, object,
 * connection) and, for connections, the selection of `edges > node`. Validation and both executors read it.
 */
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";

export type FieldKind = "leaf" | "object" | "connection";

export interface FieldPlan {
  responseKey: string;
  fieldName: string;
  node: FieldNode;
  /** Null for `__typename`. */
  definition: GraphQLField<unknown, unknown> | null;
  /** The fragment type condition the field sits under, if any. */
  condition: GraphQLCompositeType | null;
  kind: FieldKind;
  /** The field returns a list (of leaves or objects). */
  isList: boolean;
  namedType: GraphQLNamedType | null;
  args: Record<string, unknown>;
  /** Object fields: the sub-selection. Connections: the selection under `edges > node`. */
  selections: FieldPlan[];
  /** Connections: response keys used inside the connection (`edges`, `nodes`, `pageInfo`…). */
  connectionKeys: string[];
  /** Connections: the `node` type of its edges. */
  nodeType: GraphQLNamedType | null;
}

/** A connection type: an object named `…Connection` with `edges { node }`. */
export function isConnectionType(type: GraphQLNamedType): type is GraphQLObjectType {
  if (!isObjectType(type) || !type.name.endsWith("Connection")) return false;
  const edges = type.getFields().edges;
  if (!edges) return false;
  const edgeType = getNamedType(edges.type);
  return isObjectType(edgeType) && edgeType.getFields().node !== undefined;
}

function edgeNodeType(connection: GraphQLObjectType): GraphQLNamedType | null {
  const edgeType = getNamedType(connection.getFields().edges!.type);
  return isObjectType(edgeType) ? getNamedType(edgeType.getFields().node!.type) : null;
}

interface Collected {
  node: FieldNode;
  condition: GraphQLCompositeType | null;
}

function collect(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  condition: GraphQLCompositeType | null,
  out: Collected[],
): Collected[] {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      out.push({ node: selection, condition });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const typed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : null;
      const next = typed && isCompositeType(typed) ? typed : condition;
      collect(schema, selection.selectionSet, fragments, next, out);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment) continue;
      const typed = schema.getType(fragment.typeCondition.name.value);
      collect(schema, fragment.selectionSet, fragments, typed && isCompositeType(typed) ? typed : condition, out);
    }
  }
  return out;
}

export function compileSelections(
  schema: GraphQLSchema,
  parentType: GraphQLNamedType,
  selectionSet: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
): FieldPlan[] {
  const plans: FieldPlan[] = [];
  for (const { node, condition } of collect(schema, selectionSet, fragments, null, [])) {
    const fieldName = node.name.value;
    const responseKey = node.alias?.value ?? fieldName;
    const owner = condition ?? parentType;
    if (fieldName === "__typename") {
      plans.push({
        responseKey,
        fieldName,
        node,
        definition: null,
        condition,
        kind: "leaf",
        isList: false,
        namedType: null,
        args: {},
        selections: [],
        connectionKeys: [],
        nodeType: null,
      });
      continue;
    }
    const definition = isObjectType(owner) || isInterfaceType(owner) ? (owner.getFields()[fieldName] ?? null) : null;
    if (!definition) continue; // validation against the schema has already rejected unknown fields
    const namedType = getNamedType(definition.type);
    const isList = isListType(getNullableType(definition.type));
    const args = getArgumentValues(definition, node, {});
    const plan: FieldPlan = {
      responseKey,
      fieldName,
      node,
      definition: definition as GraphQLField<unknown, unknown>,
      condition,
      kind: "leaf",
      isList,
      namedType,
      args,
      selections: [],
      connectionKeys: [],
      nodeType: null,
    };
    if (isConnectionType(namedType) && !isList) {
      plan.kind = "connection";
      plan.nodeType = edgeNodeType(namedType);
      const inner = collect(schema, node.selectionSet, fragments, null, []);
      plan.connectionKeys = inner.map((entry) => entry.node.name.value);
      for (const edges of inner.filter((entry) => entry.node.name.value === "edges")) {
        for (const nodeField of collect(schema, edges.node.selectionSet, fragments, null, [])) {
          if (nodeField.node.name.value !== "node" || !plan.nodeType) continue;
          plan.selections.push(...compileSelections(schema, plan.nodeType, nodeField.node.selectionSet, fragments));
        }
      }
    } else if (isCompositeType(namedType)) {
      plan.kind = "object";
      plan.selections = compileSelections(schema, namedType, node.selectionSet, fragments);
    }
    plans.push(plan);
  }
  return plans;
}

export function fragmentsOf(definitions: readonly { kind: Kind }[]): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      const fragment = definition as FragmentDefinitionNode;
      fragments.set(fragment.name.value, fragment);
    }
  }
  return fragments;
}

/** Whether an object of runtime type `typename` satisfies a fragment's type condition. */
export function matchesCondition(schema: GraphQLSchema, condition: GraphQLCompositeType | null, typename: unknown) {
  if (!condition) return true;
  if (typeof typename !== "string") return false;
  if (condition.name === typename) return true;
  const runtime = schema.getType(typename);
  return isAbstractType(condition) && runtime !== undefined && isObjectType(runtime)
    ? schema.isSubType(condition, runtime)
    : false;
}
