/**
 * Runs one Admin GraphQL request the way Shopify does: parse → validate against the real schema → coerce
 * variables → cost and throttle → execute → actual cost and refund. Errors take Shopify's (graphql-ruby's) shapes,
 * as recorded in ../shared/shopify-captures (beside the repository).
 */
import {
  coerceInputValue,
  execute,
  getNamedType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  Lexer,
  parse,
  print,
  Source,
  specifiedRules,
  TokenKind,
  typeFromAST,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SourceLocation,
} from "graphql";
import { calculateActualCost, calculateRequestedCost, findOperation, MAX_QUERY_COST } from "./cost.js";
import type { ResolverContext, RootResolvers } from "./schema.js";
import type { CostThrottle, ThrottleStatus } from "./throttle.js";
import { searchExtension } from "./resolvers/search-extension.js";

export type JsonObject = Record<string, unknown>;

export interface ShopifyGraphqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: JsonObject;
}

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface ExecuteGraphqlOptions {
  schema: GraphQLSchema;
  resolvers: RootResolvers;
  context: ResolverContext;
  throttle: CostThrottle;
  request: GraphqlRequest;
}

export const THROTTLED_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits";
export const MAX_COST_DOCUMENTATION = "https://shopify.dev/api/usage/limits#rate-limits";
export const ACCESS_SCOPES_DOCUMENTATION = "https://shopify.dev/api/usage/access-scopes";

/** An error a resolver throws to answer a Shopify top-level error (`extensions.code` etc.). */
export function shopifyError(message: string, code: string, extra: JsonObject = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export function maxCostExceededMessage(cost: number): string {
  return `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).

See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the
cost of a query is calculated.

To query larger amounts of data with fewer limits, bulk operations should be used instead.
See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.
`;
}

/** Root fields and the access scope they need; `write_*` grants `read_*`. */
const REQUIRED_READ_SCOPE: Readonly<Record<string, string>> = {
  customer: "read_customers",
  customers: "read_customers",
  customersCount: "read_customers",
  customerByIdentifier: "read_customers",
  order: "read_orders",
  orders: "read_orders",
  ordersCount: "read_orders",
  product: "read_products",
  products: "read_products",
  productsCount: "read_products",
  productVariant: "read_products",
  productVariants: "read_products",
  collection: "read_products",
  collections: "read_products",
  segment: "read_customers",
  segments: "read_customers",
  segmentsCount: "read_customers",
  codeDiscountNode: "read_discounts",
  codeDiscountNodeByCode: "read_discounts",
  automaticDiscountNode: "read_discounts",
  discountNode: "read_discounts",
  discountNodes: "read_discounts",
  discountNodesCount: "read_discounts",
};

const REQUIRED_WRITE_SCOPE: Readonly<Record<string, string>> = {
  customerCreate: "write_customers",
  customerUpdate: "write_customers",
  customerDelete: "write_customers",
  customerSet: "write_customers",
  orderUpdate: "write_orders",
  segmentCreate: "write_customers",
  segmentUpdate: "write_customers",
  segmentDelete: "write_customers",
  discountCodeBasicCreate: "write_discounts",
  discountAutomaticBasicCreate: "write_discounts",
  discountCodeFreeShippingCreate: "write_discounts",
  discountAutomaticFreeShippingCreate: "write_discounts",
  discountCodeDelete: "write_discounts",
  discountCodeBasicUpdate: "write_discounts",
  discountAutomaticBasicUpdate: "write_discounts",
  discountCodeFreeShippingUpdate: "write_discounts",
  discountCodeActivate: "write_discounts",
  discountCodeDeactivate: "write_discounts",
  discountAutomaticActivate: "write_discounts",
  discountAutomaticDeactivate: "write_discounts",
  discountAutomaticDelete: "write_discounts",
  orderCreate: "write_orders",
  productCreate: "write_products",
  productUpdate: "write_products",
  productDelete: "write_products",
};

export function hasScope(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  const [verb, resource] = required.split(/_(.*)/s) as [string, string | undefined];
  if (verb === "read" && resource) return granted.includes(`write_${resource}`);
  return false;
}

function accessDenied(fieldName: string, scope: string): GraphQLError {
  const requiredAccess = `\`${scope}\` access scope.`;
  return shopifyError(`Access denied for ${fieldName} field. Required access: ${requiredAccess}`, "ACCESS_DENIED", {
    documentation: ACCESS_SCOPES_DOCUMENTATION,
    requiredAccess,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function notImplemented(typeName: string, fieldName: string): GraphQLError {
  return shopifyError(`Field '${typeName}.${fieldName}' is not implemented by the local Shopify`, "NOT_IMPLEMENTED", {
    typeName,
    fieldName,
  });
}

/** Root fields from `RootResolvers`; elsewhere an own property of the object (called when a function). */
export function buildFieldResolver(
  schema: GraphQLSchema,
  resolvers: RootResolvers,
): GraphQLFieldResolver<unknown, ResolverContext> {
  const queryType = schema.getQueryType();
  const mutationType = schema.getMutationType();
  return (source, args, context, info) => {
    const fieldName = info.fieldName;
    const parentType = info.parentType;
    if (parentType === queryType || parentType === mutationType) {
      const isMutation = parentType === mutationType;
      const scope = isMutation ? REQUIRED_WRITE_SCOPE[fieldName] : REQUIRED_READ_SCOPE[fieldName];
      if (scope && !hasScope(context.scopes, scope)) throw accessDenied(fieldName, scope);
      const resolver = (isMutation ? resolvers.Mutation : resolvers.QueryRoot)[fieldName];
      if (!resolver) throw notImplemented(parentType.name, fieldName);
      return resolver(args, context, info);
    }
    if (!isRecord(source) || !Object.prototype.hasOwnProperty.call(source, fieldName)) {
      throw notImplemented(parentType.name, fieldName);
    }
    const value = source[fieldName];
    return typeof value === "function"
      ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, info)
      : value;
  };
}

// ---- parse errors -------------------------------------------------------------------------------------------------

function parseError(query: string, error: GraphQLError): ShopifyGraphqlError {
  const location = error.locations?.[0] ?? { line: 1, column: 1 };
  if (/<EOF>/.test(error.message)) {
    // graphql-ruby points at the last token before the end of the file.
    const last = lastTokenLocation(query) ?? location;
    return {
      message: `syntax error, unexpected end of file at [${last.line}, ${last.column}]`,
      locations: [{ line: last.line, column: last.column }],
      extensions: { code: "PARSE_ERROR" },
    };
  }
  const detail = error.message.replace(/^Syntax Error: /, "");
  return {
    message: `syntax error, ${detail} at [${location.line}, ${location.column}]`,
    locations: [{ line: location.line, column: location.column }],
    extensions: { code: "PARSE_ERROR" },
  };
}

function lastTokenLocation(query: string): SourceLocation | null {
  const lexer = new Lexer(new Source(query));
  let last: SourceLocation | null = null;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      last = { line: token.line, column: token.column };
    }
  } catch {
    return last;
  }
  return last;
}

// ---- validation errors --------------------------------------------------------------------------------------------

interface NodeFacts {
  path: string[];
  field?: FieldNode;
  fieldPath?: string[];
  argumentName?: string;
  argumentType?: string;
  argumentValue?: string;
}

/** For every AST node: graphql-ruby's error path and the field/argument it sits in. */
function describeNodes(schema: GraphQLSchema, document: DocumentNode): Map<ASTNode, NodeFacts> {
  const facts = new Map<ASTNode, NodeFacts>();
  const path: string[] = [];
  const fields: { node: FieldNode; path: string[] }[] = [];
  const argumentsStack: { name: string; type?: string; value: string }[] = [];
  const typeInfo = new TypeInfo(schema);
  const record = (node: ASTNode): void => {
    const field = fields[fields.length - 1];
    const argument = argumentsStack[argumentsStack.length - 1];
    facts.set(node, {
      path: [...path],
      field: field?.node,
      fieldPath: field?.path,
      argumentName: argument?.name,
      argumentType: argument?.type,
      argumentValue: argument?.value,
    });
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        switch (node.kind) {
          case Kind.OPERATION_DEFINITION:
            path.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
            break;
          case Kind.FRAGMENT_DEFINITION:
            path.push(`fragment ${node.name.value}`);
            break;
          case Kind.INLINE_FRAGMENT:
            path.push(node.typeCondition ? `... on ${node.typeCondition.name.value}` : "...");
            break;
          case Kind.FIELD:
            path.push(node.alias?.value ?? node.name.value);
            fields.push({ node, path: [...path] });
            break;
          case Kind.ARGUMENT:
            path.push(node.name.value);
            argumentsStack.push({
              name: node.name.value,
              type: typeInfo.getArgument()?.type.toString(),
              value: print(node.value),
            });
            break;
          case Kind.OBJECT_FIELD:
            path.push(node.name.value);
            break;
          default:
            break;
        }
        record(node);
      },
      leave(node) {
        switch (node.kind) {
          case Kind.OPERATION_DEFINITION:
          case Kind.FRAGMENT_DEFINITION:
          case Kind.INLINE_FRAGMENT:
          case Kind.OBJECT_FIELD:
            path.pop();
            break;
          case Kind.FIELD:
            path.pop();
            fields.pop();
            break;
          case Kind.ARGUMENT:
            path.pop();
            argumentsStack.pop();
            break;
          default:
            break;
        }
      },
    }),
  );
  return facts;
}

function locationOf(node: ASTNode | undefined): { line: number; column: number }[] | undefined {
  if (!node?.loc) return undefined;
  const { line, column } = node.loc.startToken;
  return [{ line, column }];
}

/** Turns graphql-js validation errors into graphql-ruby's messages and codes (those Shopify answers with). */
export function toShopifyValidationErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  errors: readonly GraphQLError[],
): ShopifyGraphqlError[] {
  const facts = describeNodes(schema, document);
  const out: ShopifyGraphqlError[] = [];
  const missingArguments = new Map<FieldNode, { error: ShopifyGraphqlError; names: string[] }>();
  const argumentErrorsSeen = new Set<string>();
  for (const error of errors) {
    const node = error.nodes?.[0];
    const fact = node ? facts.get(node) : undefined;
    const path = fact?.path;
    let match: RegExpMatchArray | null;

    if ((match = error.message.match(/^Cannot query field "([^"]+)" on type "([^"]+)"/))) {
      out.push({
        message: `Field '${match[1]}' doesn't exist on type '${match[2]}'`,
        locations: locationOf(node),
        path,
        extensions: { code: "undefinedField", typeName: match[2], fieldName: match[1] },
      });
    } else if ((match = error.message.match(/^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields/))) {
      const typeName = match[2]!.replace(/[[\]!]/g, "");
      out.push({
        message: `Field must have selections (field '${match[1]}' returns ${typeName} but has no selections. Did you mean '${match[1]} { ... }'?)`,
        locations: locationOf(node),
        path,
        extensions: { code: "selectionMismatch", nodeName: `field '${match[1]}'`, typeName },
      });
    } else if (
      (match = error.message.match(/^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields/))
    ) {
      const typeName = match[2]!.replace(/[[\]!]/g, "");
      out.push({
        message: `Selections can't be made on scalars (field '${match[1]}' returns ${typeName} but has selections [${(node as FieldNode | undefined)?.selectionSet?.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : "...")).join(", ") ?? ""}])`,
        locations: locationOf(node),
        path,
        extensions: { code: "selectionMismatch", nodeName: `field '${match[1]}'`, typeName },
      });
    } else if ((match = error.message.match(/^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required/))) {
      const field = node as FieldNode;
      const existing = missingArguments.get(field);
      if (existing) {
        existing.names.push(match[2]!);
        continue;
      }
      const entry = {
        error: {
          message: "",
          locations: locationOf(node),
          path,
          extensions: { code: "missingRequiredArguments", className: "Field", name: match[1] },
        } as ShopifyGraphqlError,
        names: [match[2]!],
      };
      missingArguments.set(field, entry);
      out.push(entry.error);
    } else if ((match = error.message.match(/^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"/))) {
      out.push({
        message: `Field '${match[2]}' doesn't accept argument '${match[1]}'`,
        locations: locationOf(node),
        path,
        extensions: { code: "argumentNotAccepted", name: match[2], typeName: "Field", argumentName: match[1] },
      });
    } else if ((match = error.message.match(/^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?/))) {
      const operation = document.definitions.find(
        (definition) =>
          definition.kind === Kind.OPERATION_DEFINITION &&
          definition.variableDefinitions?.some((v) => v.variable.name.value === match![1]),
      ) as OperationDefinitionNode | undefined;
      out.push({
        message: `Variable $${match[1]} is declared by ${match[2] ?? `anonymous ${operation?.operation ?? "query"}`} but not used`,
        locations: locationOf(operation),
        path: operation ? facts.get(operation)?.path : undefined,
        extensions: { code: "variableNotUsed", variableName: match[1] },
      });
    } else if (
      fact?.argumentName &&
      fact.field &&
      /^(Expected value of type|Value .* does not exist in|Enum ".*" cannot represent|Int cannot|Float cannot|String cannot|Boolean cannot|ID cannot|Field ".*" of required type|Field ".*" is not defined by type|Expected type)/.test(
        error.message,
      )
    ) {
      const key = `${fact.fieldPath?.join(".")}:${fact.argumentName}`;
      if (argumentErrorsSeen.has(key)) continue;
      argumentErrorsSeen.add(key);
      out.push({
        message: `Argument '${fact.argumentName}' on Field '${fact.field.name.value}' has an invalid value (${fact.argumentValue}). Expected type '${fact.argumentType}'.`,
        locations: locationOf(fact.field),
        path: [...(fact.fieldPath ?? []), fact.argumentName],
        extensions: { code: "argumentLiteralsIncompatible", typeName: "Field", argumentName: fact.argumentName },
      });
    } else {
      out.push({
        message: error.message,
        locations: locationOf(node),
        path,
        extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
      });
    }
  }
  for (const { error, names } of missingArguments.values()) {
    error.message = `Field '${String(error.extensions?.name)}' is missing required arguments: ${names.join(", ")}`;
    error.extensions = { ...error.extensions, arguments: names.join(", ") };
  }
  return out;
}

/**
 * `ID` literals written in the document are coerced before execution: a string that is not a global id fails the
 * whole request (captured: `bulkOperation(id: "not-a-gid")` → argumentLiteralsIncompatible / CoercionError, the
 * path ending at the argument, the location at the field).
 */
function invalidIdLiterals(schema: GraphQLSchema, document: DocumentNode): ShopifyGraphqlError[] {
  const facts = describeNodes(schema, document);
  const out: ShopifyGraphqlError[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        const type = typeInfo.getInputType();
        if (!type || getNamedType(type).name !== "ID" || GLOBAL_ID.test(node.value)) return;
        const fact = facts.get(node);
        if (!fact?.field) return;
        out.push({
          message: `Invalid global id '${node.value}'`,
          locations: locationOf(fact.field),
          path: fact.path,
          extensions: { code: "argumentLiteralsIncompatible", typeName: "CoercionError" },
        });
      },
    }),
  );
  return out;
}

// ---- variables ----------------------------------------------------------------------------------------------------

function explanationFor(
  type: GraphQLInputType,
  message: string,
  path: (string | number)[],
): { path: (string | number)[]; explanation: string } {
  let match: RegExpMatchArray | null;
  if ((match = message.match(/^Field "([^"]+)" of required type "[^"]+" was not provided/))) {
    return { path: [...path, match[1]!], explanation: "Expected value to not be null" };
  }
  if ((match = message.match(/^Field "([^"]+)" is not defined by type "([^"]+)"/))) {
    return { path: [...path, match[1]!], explanation: `Field is not defined on ${match[2]}` };
  }
  if (/not to be null/.test(message)) return { path, explanation: "Expected value to not be null" };
  if ((match = message.match(/^Value "?(.*?)"? does not exist in "([^"]+)" enum/))) {
    const enumType = typeAtPath(type, path);
    const values =
      enumType && isEnumType(enumType)
        ? enumType
            .getValues()
            .map((value) => value.name)
            .join(", ")
        : "";
    return { path, explanation: `Expected "${match[1]}" to be one of: ${values}` };
  }
  return { path, explanation: message.replace(/\.$/, "") };
}

function typeAtPath(type: GraphQLInputType, path: (string | number)[]): GraphQLInputType | null {
  let current: GraphQLInputType = type;
  for (const key of path) {
    const named = getNamedType(current);
    if (typeof key === "number") continue;
    if (!isInputObjectType(named)) return null;
    const field = named.getFields()[key];
    if (!field) return null;
    current = field.type;
  }
  return getNamedType(current);
}

const GLOBAL_ID = /^gid:\/\/[^/]+\/[^/]+\/.+/;

/** Shopify's `ID` input only takes global ids (`gid://shopify/Type/1`). */
function invalidGlobalIds(
  type: GraphQLInputType,
  value: unknown,
  path: (string | number)[],
): { path: (string | number)[]; explanation: string; message: string }[] {
  if (value === null || value === undefined) return [];
  const unwrapped = isNonNullType(type) ? type.ofType : type;
  if (isListType(unwrapped)) {
    return Array.isArray(value)
      ? value.flatMap((item, index) => invalidGlobalIds(unwrapped.ofType, item, [...path, index]))
      : invalidGlobalIds(unwrapped.ofType, value, path);
  }
  if (isInputObjectType(unwrapped)) {
    if (!isRecord(value)) return [];
    const fields = unwrapped.getFields();
    return Object.entries(value).flatMap(([key, child]) =>
      fields[key] ? invalidGlobalIds(fields[key].type, child, [...path, key]) : [],
    );
  }
  if (unwrapped.name === "ID" && typeof value === "string" && !GLOBAL_ID.test(value)) {
    const explanation = `Invalid global id '${value}'`;
    return [{ path, explanation, message: explanation }];
  }
  return [];
}

/** Checks the request's variables against the operation's definitions (Shopify's INVALID_VARIABLE shape). */
export function variableErrors(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): ShopifyGraphqlError[] {
  const errors: ShopifyGraphqlError[] = [];
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type) continue;
    const provided = Object.prototype.hasOwnProperty.call(variables, name);
    const value = variables[name];
    const problems: { path: (string | number)[]; explanation: string; message?: string }[] = [];
    if (!provided || value === undefined) {
      if (isNonNullType(type) && !definition.defaultValue)
        problems.push({ path: [], explanation: "Expected value to not be null" });
    } else {
      coerceInputValue(value, type, (path, _invalid, error) => {
        problems.push(
          explanationFor(
            type,
            error.message,
            path.filter((key) => typeof key === "string" || typeof key === "number"),
          ),
        );
      });
      if (!problems.length) problems.push(...invalidGlobalIds(type, value, []));
    }
    if (!problems.length) continue;
    const nested = problems.filter((problem) => problem.path.length > 0);
    const suffix = nested.length
      ? ` for ${nested.map((problem) => `${problem.path.join(".")} (${problem.explanation})`).join(", ")}`
      : "";
    errors.push({
      message: `Variable $${name} of type ${definition.type.kind === Kind.NON_NULL_TYPE ? `${print(definition.type.type)}!` : print(definition.type)} was provided invalid value${suffix}`,
      locations: locationOf(definition),
      extensions: { code: "INVALID_VARIABLE", value: provided ? (value ?? null) : null, problems },
    });
  }
  return errors;
}

// ---- execution ----------------------------------------------------------------------------------------------------

function formatExecutionError(error: GraphQLError): ShopifyGraphqlError {
  const original = error.originalError;
  const extensions: JsonObject = {
    ...(original instanceof GraphQLError ? original.extensions : {}),
    ...error.extensions,
  };
  if (!("code" in extensions)) extensions.code = "INTERNAL_SERVER_ERROR";
  return {
    message: error.message,
    locations: error.locations?.map(({ line, column }) => ({ line, column })),
    path: error.path ? [...error.path] : undefined,
    extensions,
  };
}

function costExtension(requested: number, actual: number | null, status: ThrottleStatus): JsonObject {
  return { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status } };
}

/** The JSON body Shopify answers for one request (always HTTP 200 at this point). */
export async function executeGraphql(options: ExecuteGraphqlOptions): Promise<JsonObject> {
  const { schema, resolvers, context, throttle, request } = options;
  const variables = request.variables ?? {};
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [parseError(request.query, error)] };
    throw error;
  }

  const validationErrors = validate(schema, document, specifiedRules);
  if (validationErrors.length) return { errors: toShopifyValidationErrors(schema, document, validationErrors) };
  const badIdLiterals = invalidIdLiterals(schema, document);
  if (badIdLiterals.length) return { errors: badIdLiterals };

  const operation = findOperation(document, request.operationName);
  if (!operation) {
    const message = request.operationName
      ? `No operation named "${request.operationName}"`
      : "An operation name is required";
    return { errors: [{ message, extensions: { code: "OPERATION_NOT_FOUND" } }] };
  }
  const badVariables = variableErrors(schema, operation, variables);
  if (badVariables.length) return { errors: badVariables };

  const shop = context.shop;
  const requested = calculateRequestedCost(schema, document, variables, request.operationName);
  if (requested > MAX_QUERY_COST) {
    return {
      errors: [
        {
          message: maxCostExceededMessage(requested),
          extensions: {
            code: "MAX_COST_EXCEEDED",
            cost: requested,
            maxCost: MAX_QUERY_COST,
            documentation: MAX_COST_DOCUMENTATION,
          },
        },
      ],
      extensions: costExtension(requested, null, throttle.status(shop.id, context.clientId, shop.plan)),
    };
  }
  const taken = throttle.take(shop.id, context.clientId, shop.plan, requested);
  if (!taken.ok) {
    return {
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
      extensions: costExtension(requested, null, taken.status),
    };
  }

  const result = await execute({
    schema,
    document,
    variableValues: variables,
    operationName: request.operationName ?? undefined,
    contextValue: context,
    fieldResolver: buildFieldResolver(schema, resolvers),
  });
  const data = (result.data ?? null) as JsonObject | null;
  const actual = Math.min(requested, calculateActualCost(schema, document, variables, request.operationName, data));
  const status = throttle.refund(shop.id, context.clientId, shop.plan, requested - actual);
  const body: JsonObject = {};
  if (result.errors?.length) body.errors = result.errors.map(formatExecutionError);
  body.data = data;
  const extensions = costExtension(requested, actual, status);
  // Shopify reports search terms it could not apply (captured: customersCount(query: "email:…")).
  const search = searchExtension(context);
  if (search) extensions.search = search;
  body.extensions = extensions;
  return body;
}
