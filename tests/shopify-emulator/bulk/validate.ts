/**
 * `bulkOperationRunQuery(query:)` checks, with Shopify's messages (captured in
 * ../shared/shopify-captures, bulk-operations/*run-query*): size, syntax, schema, operation type, then the bulk
 * rules (no top-level `node`, `edges > node` only, no connection inside a list, 1–5 connections, nesting ≤ 2,
 * nested connections under a parent that selects `id`).
 */
import {
  getNamedType,
  GraphQLError,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { toShopifyValidationErrors } from "../graphql/execute.js";
import { compileSelections, fragmentsOf, type FieldPlan } from "./plan.js";

export const MAX_BULK_QUERY_BYTES = 65_535;
export const MAX_CONNECTIONS = 5;
export const MAX_CONNECTION_DEPTH = 2;

export interface BulkUserError {
  field: string[] | null;
  message: string;
  code: "INVALID" | "LIMIT_REACHED" | "OPERATION_IN_PROGRESS";
}

export interface CompiledBulkQuery {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Root fields in order; the connections among them are exported. */
  roots: FieldPlan[];
}

const invalid = (message: string): BulkUserError => ({ field: ["query"], message, code: "INVALID" });

interface ConnectionFacts {
  plan: FieldPlan;
  depth: number;
  /** The enclosing connection (whose node is the parent of this one's lines). */
  parent: FieldPlan | null;
  withinList: boolean;
}

function connectionsOf(roots: FieldPlan[]): ConnectionFacts[] {
  const found: ConnectionFacts[] = [];
  const walk = (plans: FieldPlan[], depth: number, parent: FieldPlan | null, withinList: boolean): void => {
    for (const plan of plans) {
      if (plan.kind === "connection") {
        found.push({ plan, depth: depth + 1, parent, withinList });
        walk(plan.selections, depth + 1, plan, false);
      } else if (plan.kind === "object") {
        walk(plan.selections, depth, parent, withinList || plan.isList);
      }
    }
  };
  walk(roots, 0, null, false);
  return found;
}

function implementsNode(schema: GraphQLSchema, plan: FieldPlan): boolean {
  const nodeInterface = schema.getType("Node");
  const type = plan.nodeType;
  if (!type || !nodeInterface || !isInterfaceType(nodeInterface)) return false;
  if (type === nodeInterface) return true;
  if (isObjectType(type)) return type.getInterfaces().includes(nodeInterface);
  // Interfaces and unions (e.g. Media) qualify when every type behind them is a Node.
  if (isAbstractType(type)) {
    return schema.getPossibleTypes(type).every((possible) => possible.getInterfaces().includes(nodeInterface));
  }
  return false;
}

function selectsPlainId(plans: FieldPlan[]): boolean {
  return plans.some(
    (plan) =>
      plan.fieldName === "id" &&
      plan.responseKey === "id" &&
      plan.condition === null &&
      plan.definition !== null &&
      getNamedType(plan.definition.type).name === "ID",
  );
}

function syntaxMessage(error: GraphQLError): string {
  if (/<EOF>/.test(error.message)) return "Invalid bulk query: syntax error, unexpected end of file";
  return `Invalid bulk query: syntax error, ${error.message.replace(/^Syntax Error: /, "")}`;
}

export function compileBulkQuery(
  schema: GraphQLSchema,
  query: string,
): { ok: true; compiled: CompiledBulkQuery } | { ok: false; errors: BulkUserError[] } {
  const bytes = Buffer.byteLength(query, "utf8");
  if (bytes > MAX_BULK_QUERY_BYTES) {
    return {
      ok: false,
      errors: [invalid(`Query is too large (${bytes} bytes; maximum is ${MAX_BULK_QUERY_BYTES} bytes)`)],
    };
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, errors: [invalid(syntaxMessage(error))] };
    throw error;
  }
  const schemaErrors = validate(schema, document, specifiedRules);
  if (schemaErrors.length) {
    // Unconfirmed wording (no capture of a schema-invalid bulk query): graphql-ruby's message, prefixed.
    return {
      ok: false,
      errors: toShopifyValidationErrors(schema, document, schemaErrors).map((error) =>
        invalid(`Invalid bulk query: ${error.message}`),
      ),
    };
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (!operation || operation.operation !== "query") {
    return { ok: false, errors: [invalid("Invalid operation type. Only `query` operations are supported.")] };
  }
  const queryType = schema.getQueryType()!;
  const roots = compileSelections(schema, queryType, operation.selectionSet, fragmentsOf(document.definitions));

  const errors: BulkUserError[] = [];
  if (roots.some((plan) => plan.fieldName === "node")) {
    errors.push(invalid("Bulk queries cannot contain a top level `node` field."));
  }
  const connections = connectionsOf(roots);
  const viaNodes = connections.filter(({ plan }) => plan.connectionKeys.includes("nodes"));
  if (viaNodes.length) {
    const first = viaNodes[0]!.plan.fieldName;
    errors.push(
      invalid(
        `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: '${first} { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: ${viaNodes.map(({ plan }) => `'${plan.fieldName}'`).join(", ")}.`,
      ),
    );
  }
  if (connections.some((facts) => facts.withinList)) {
    errors.push(invalid("Queries that contain a connection field within a list field are not currently supported."));
  }
  const notNodes = connections.filter(({ plan }) => !implementsNode(schema, plan));
  if (notNodes.length) {
    // Unconfirmed wording (no capture): Shopify documents that bulk connections must be of Node types.
    errors.push(
      invalid(
        `Bulk queries can only contain connections of types implementing the Node interface. Invalid connection fields: ${notNodes.map(({ plan }) => `'${plan.fieldName}'`).join(", ")}.`,
      ),
    );
  }
  if (connections.length === 0) {
    errors.push(invalid("Bulk queries must contain at least one connection."));
  } else if (connections.length > MAX_CONNECTIONS) {
    errors.push(invalid(`Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections.`));
  }
  if (connections.some((facts) => facts.depth > MAX_CONNECTION_DEPTH)) {
    errors.push(
      invalid(`Bulk queries cannot contain connections with a nesting depth greater than ${MAX_CONNECTION_DEPTH}.`),
    );
  }
  const parentsWithoutId = [
    ...new Set(
      connections
        .filter((facts) => facts.parent !== null && !selectsPlainId(facts.parent.selections))
        .map((facts) => facts.parent!.fieldName),
    ),
  ];
  if (parentsWithoutId.length && errors.length === 0) {
    errors.push(
      invalid(
        `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${parentsWithoutId.join(", ")}.`,
      ),
    );
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, compiled: { document, operation, roots } };
}
