/**
 * `bulkOperationRunMutation(mutation:)` checks, in Shopify's order and words (captured in
 * ../shared/shopify-captures, bulk-operations/*run-mutation*): size, syntax, operation type, one top-level field,
 * an allowed root (not a bulk-operation root), at most one connection in the selection; then the document must be
 * valid against the schema.
 */
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  Lexer,
  parse,
  Source,
  specifiedRules,
  TokenKind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { toShopifyValidationErrors } from "../graphql/execute.js";
import { MAX_BULK_QUERY_BYTES } from "./validate.js";

export type BulkMutationErrorCode =
  | "INTERNAL_FILE_SERVER_ERROR"
  | "INVALID_MUTATION"
  | "INVALID_STAGED_UPLOAD_FILE"
  | "LIMIT_REACHED"
  | "NO_SUCH_FILE"
  | "OPERATION_IN_PROGRESS";

export interface BulkMutationUserError {
  field: string[] | null;
  message: string;
  code: BulkMutationErrorCode | null;
}

export interface CompiledBulkMutation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The one top-level mutation field, e.g. `tagsAdd`. */
  rootField: string;
}

/** Roots that cannot run in bulk: the bulk operations themselves ("any mutation except the bulk ones"). */
export function isAllowedBulkRoot(name: string): boolean {
  return !name.startsWith("bulkOperation");
}

const mutationError = (message: string, field: string[] | null, code: BulkMutationErrorCode | null) => ({
  field,
  message,
  code,
});

/**
 * graphql-ruby's wording: at the end of input Shopify names the position of the last token read (captured:
 * `mutation { not real syntax` → "unexpected end of file at [1, 21]", where `syntax` starts).
 */
export function parseFailureMessage(mutation: string, error: GraphQLError): string {
  if (/<EOF>/.test(error.message)) {
    let last: { line: number; column: number } | null = null;
    try {
      const lexer = new Lexer(new Source(mutation));
      for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
        last = { line: token.line, column: token.column };
      }
    } catch {
      // an unlexable tail: fall back to graphql-js's location
    }
    const at = last ?? error.locations?.[0] ?? { line: 1, column: 1 };
    return `Failed to parse the mutation - syntax error, unexpected end of file at [${at.line}, ${at.column}]`;
  }
  const at = error.locations?.[0];
  const detail = error.message.replace(/^Syntax Error: /, "");
  return `Failed to parse the mutation - syntax error, ${detail}${at ? ` at [${at.line}, ${at.column}]` : ""}`;
}

function connectionCount(schema: GraphQLSchema, document: DocumentNode): number {
  const typeInfo = new TypeInfo(schema);
  let count = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : null;
        if (named && isObjectType(named) && named.name.endsWith("Connection")) count += 1;
      },
    }),
  );
  return count;
}

export function compileBulkMutation(
  schema: GraphQLSchema,
  mutation: string,
): { ok: true; compiled: CompiledBulkMutation } | { ok: false; errors: BulkMutationUserError[] } {
  const bytes = Buffer.byteLength(mutation, "utf8");
  if (bytes > MAX_BULK_QUERY_BYTES) {
    return {
      ok: false,
      errors: [
        mutationError(
          `is too large (${bytes} bytes; maximum is ${MAX_BULK_QUERY_BYTES} bytes)`,
          ["query"],
          "INVALID_MUTATION",
        ),
      ],
    };
  }
  let document: DocumentNode;
  try {
    document = parse(mutation);
  } catch (error) {
    if (error instanceof GraphQLError) {
      return { ok: false, errors: [mutationError(parseFailureMessage(mutation, error), null, "INVALID_MUTATION")] };
    }
    throw error;
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operations[0];
  if (!operation || operation.operation !== "mutation") {
    return {
      ok: false,
      errors: [
        mutationError("Invalid operation type. Only `mutation` operations are supported.", null, "INVALID_MUTATION"),
      ],
    };
  }
  const fields = operation.selectionSet.selections.filter(
    (selection): selection is FieldNode => selection.kind === Kind.FIELD,
  );
  if (operation.selectionSet.selections.length !== 1 || fields.length !== 1) {
    return { ok: false, errors: [mutationError("You must specify a single top level mutation.", ["mutation"], null)] };
  }
  const rootField = fields[0]!.name.value;
  if (!isAllowedBulkRoot(rootField)) {
    return { ok: false, errors: [mutationError("You must use an allowed mutation name.", ["mutation"], null)] };
  }
  if (connectionCount(schema, document) > 1) {
    return {
      ok: false,
      errors: [mutationError("Bulk mutations cannot contain more than 1 connection.", ["mutation"], null)],
    };
  }
  const schemaErrors = validate(schema, document, specifiedRules);
  if (schemaErrors.length) {
    // Unconfirmed wording (no capture of a schema-invalid bulk mutation): graphql-ruby's message, prefixed.
    return {
      ok: false,
      errors: toShopifyValidationErrors(schema, document, schemaErrors).map((error) =>
        mutationError(`Invalid mutation: ${error.message}`, null, "INVALID_MUTATION"),
      ),
    };
  }
  return { ok: true, compiled: { document, operation, rootField } };
}

/** `clientIdentifier`: 10 to 255 characters when given (captured). */
export function clientIdentifierErrors(clientIdentifier: unknown): BulkMutationUserError[] {
  if (clientIdentifier === undefined || clientIdentifier === null) return [];
  const text = String(clientIdentifier);
  if (text.length < 10)
    return [mutationError("is too short (minimum is 10 characters)", ["clientIdentifier"], "INVALID_MUTATION")];
  if (text.length > 255)
    return [mutationError("is too long (maximum is 255 characters)", ["clientIdentifier"], "INVALID_MUTATION")];
  return [];
}
