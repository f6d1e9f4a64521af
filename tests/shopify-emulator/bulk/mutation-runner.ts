/**
 * The life of a mutation operation: CREATED (answered at once) → RUNNING → COMPLETED / FAILED / CANCELED. Each line
 * of the staged JSONL is one execution of the mutation with that line as its variables, through the same resolvers
 * as a direct request (so `tagsAdd` in bulk changes a customer exactly as `tagsAdd` does, `customers/update`
 * included). The result file has one line per input line, `{"data": {…}, "__lineNumber": n}` (0-based; or
 * `{"errors": […], "__lineNumber": n}` for variables the mutation refuses); only INTERNAL_SERVER_ERROR fails the
 * whole operation. `bulk_operations/finish` is fired at the end.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { execute } from "graphql";
import type { EmulatorContext } from "../context.js";
import { buildFieldResolver, variableErrors } from "../graphql/execute.js";
import { buildRootResolvers } from "../graphql/resolvers/index.js";
import { getAdminSchema, type ResolverContext, type RootResolvers } from "../graphql/schema.js";
import type { BulkOperationErrorCode, BulkOperationRecord } from "./operations.js";
import type { CompiledBulkMutation } from "./mutation-validate.js";
import { announce, bulkFiles, settleOperation } from "./runner.js";
import { join } from "node:path";

// ---- knobs for chaos tests (module-wide, per shop; the control API sets them) ------------------------------------

interface InjectedFailure {
  errorCode: BulkOperationErrorCode;
  /** Lines applied before the failure (their results are kept as partial data). */
  afterLines: number;
}

const injectedFailures = new Map<number, InjectedFailure>();
const completionDelays = new Map<number, number>();

/** The next mutation operation of `shopId` fails with `errorCode` after `afterLines` lines. */
export function failNextBulkMutation(shopId: number, errorCode: BulkOperationErrorCode, afterLines = 0): void {
  injectedFailures.set(shopId, { errorCode, afterLines: Math.max(0, afterLines) });
}

/** The next mutation operation of `shopId` stays RUNNING this long (× `config.timeScale`) after its last line. */
export function delayNextBulkMutation(shopId: number, ms: number): void {
  completionDelays.set(shopId, Math.max(0, ms));
}

export function resetBulkMutationKnobs(): void {
  injectedFailures.clear();
  completionDelays.clear();
}

// ---- running ----------------------------------------------------------------------------------------------------

/** Lines executed between turns of the event loop. */
const LINES_PER_TURN = 100;

let defaultResolvers: RootResolvers | null = null;
const resolvers = (): RootResolvers => (defaultResolvers ??= buildRootResolvers());

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Every line of the file parses as a JSON object (blank lines aside); checked when the operation is created. */
export async function isJsonlOfObjects(file: string): Promise<boolean> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

async function executeLine(
  resolverContext: ResolverContext,
  compiled: CompiledBulkMutation,
  variables: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const schema = getAdminSchema();
  const badVariables = variableErrors(schema, compiled.operation, variables);
  if (badVariables.length) return { errors: badVariables };
  const result = await execute({
    schema,
    document: compiled.document,
    variableValues: variables,
    contextValue: resolverContext,
    fieldResolver: buildFieldResolver(schema, resolvers()),
  });
  const line: Record<string, unknown> = {};
  if (result.errors?.length) {
    line.errors = result.errors.map((error) => ({
      message: error.message,
      ...(error.path ? { path: [...error.path] } : {}),
      extensions: { code: "INTERNAL_SERVER_ERROR", ...error.extensions },
    }));
  }
  line.data = result.data ?? null;
  return line;
}

/** Runs the operation in the background; resolves when it is terminal (callers need not await it). */
export async function runMutationOperation(
  ctx: EmulatorContext,
  resolverContext: ResolverContext,
  operation: BulkOperationRecord,
  compiled: CompiledBulkMutation,
  stagedFile: string,
  startDelayMs = 0,
): Promise<void> {
  const injected = injectedFailures.get(operation.shopId) ?? null;
  if (injected) injectedFailures.delete(operation.shopId);
  const completionDelay = completionDelays.get(operation.shopId) ?? 0;
  completionDelays.delete(operation.shopId);
  await sleep(startDelayMs * ctx.config.timeScale);
  if (operation.cancelRequested) {
    operation.status = "CANCELED";
    operation.cancelRequested = false;
    return announce(ctx, operation);
  }
  operation.status = "RUNNING";

  const files = bulkFiles(ctx);
  const token = randomBytes(16).toString("hex");
  const path = join(files.dir, `${token}.jsonl`);
  const out = createWriteStream(path);
  let bytes = 0;
  let failure: BulkOperationErrorCode | null = null;
  const write = (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    return out.write(text) ? Promise.resolve() : new Promise((resolve) => out.once("drain", () => resolve()));
  };
  try {
    const lines = createInterface({ input: createReadStream(stagedFile, "utf8"), crlfDelay: Infinity });
    let lineNumber = -1;
    for await (const text of lines) {
      if (text.trim() === "") continue;
      lineNumber += 1;
      if (operation.cancelRequested) break;
      if (injected && lineNumber >= injected.afterLines) {
        failure = injected.errorCode;
        break;
      }
      const variables = JSON.parse(text) as Record<string, unknown>;
      const result = await executeLine(resolverContext, compiled, variables);
      // Shopify escapes slashes in result files as in exports (captured: `"gid:\/\/shopify\/Product\/…"`).
      await write(`${JSON.stringify({ ...result, __lineNumber: lineNumber }).replace(/\//g, "\\/")}\n`);
      operation.objectCount += 1;
      operation.rootObjectCount += 1;
      if ((lineNumber + 1) % LINES_PER_TURN === 0) await turn();
    }
    if (injected && failure === null && !operation.cancelRequested) failure = injected.errorCode;
  } catch (error) {
    console.error("[shopify-emulator] bulk mutation failed", error);
    failure = "INTERNAL_SERVER_ERROR";
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  if (!failure && !operation.cancelRequested && completionDelay > 0)
    await sleep(completionDelay * ctx.config.timeScale);

  const canceled = operation.cancelRequested;
  settleOperation(ctx, files, operation, { path, token, bytes, failure });
  if (canceled) operation.cancelRequested = false;
  announce(ctx, operation);
}
