/**
 * Replays the real Shopify captures (../shared/shopify-captures, see its README) against the local Shopify and
 * compares the slices each parity spec targets. One scenario = one spec file; every scenario gets its own
 * in-process emulator, a shop on the plan the capture shows, the records the capture reveals, and an offline
 * access token; requests go through real HTTP.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, type DocumentNode } from "graphql";
import { SHOPIFY_API_VERSION } from "../../app/lib/api-version.js";
import { installApp, issueOfflineToken } from "../shopify-emulator/auth/tokens.js";
import { SUPPORTED_API_VERSIONS } from "../shopify-emulator/graphql/index.js";
import { buildRootResolvers } from "../shopify-emulator/graphql/resolvers/index.js";
import { getAdminSchema } from "../shopify-emulator/graphql/schema.js";
import { startEmulator, type RunningEmulator } from "../shopify-emulator/server.js";
import { EmulatorStore } from "../shopify-emulator/store/store.js";
import { ALL_SCOPES, testConfig } from "../shopify-emulator/test-support.js";
import { parseGid, type ProductRecord, type ShopPlan, type ShopRecord } from "../shopify-emulator/store/types.js";
import { compareSlices, type Difference, type ExpectedDifference } from "./compare.js";
import { MISSING, readPath } from "./json-path.js";
import { importOperation, TERMINAL_STATUSES, type BulkOperationStatus } from "../shopify-emulator/bulk/operations.js";
import {
  bulkOperationRecords,
  collectBulkOperations,
  collectCapturedRecords,
  padCustomers,
  padOrders,
  seedFromCapture,
} from "./seed.js";

// ---- spec shapes ------------------------------------------------------------------------------------------------

export interface ProxyRequestSpec {
  documentPath?: string;
  documentCapturePath?: string;
  variablesCapturePath?: string;
  variablesPath?: string;
  variables?: Record<string, unknown>;
  apiVersion?: string;
}

export interface TargetSpec {
  name: string;
  capturePath?: string;
  proxyPath?: string;
  proxyRequest?: ProxyRequestSpec;
  isolatedProxy?: boolean;
  selectedPaths?: string[];
  excludedPaths?: string[];
  expectedDifferences?: ExpectedDifference[];
  proxyUpload?: unknown;
  proxyHttpRequest?: unknown;
  jsonlRecords?: unknown;
}

export interface ParitySpec {
  scenarioId: string;
  operationNames?: string[];
  liveCaptureFiles: string[];
  proxyRequest?: ProxyRequestSpec;
  comparison: { expectedDifferences?: ExpectedDifference[]; targets: TargetSpec[] };
}

export interface SpecEntry {
  domain: string;
  file: string;
  spec: ParitySpec;
}

export type Outcome = "passed" | "failed" | "not-yet-implemented";

export interface TargetResult {
  name: string;
  passed: boolean;
  difference?: Difference;
  /** The first difference once opaque cursors are set aside (triage: what else differs). */
  beyondCursors?: Difference | null;
}

export const CURSOR_KEYS = ["cursor", "startCursor", "endCursor"] as const;

export interface CostCheck {
  target: string;
  shopify: CostFacts;
  emulator: CostFacts | null;
  matches: boolean;
}

interface CostFacts {
  requestedQueryCost: unknown;
  maximumAvailable: unknown;
  restoreRate: unknown;
}

export interface ScenarioResult {
  id: string;
  domain: string;
  file: string;
  outcome: Outcome;
  /** Root fields the scenario's documents use that the local Shopify does not resolve. */
  missingRoots: string[];
  /** Why the scenario is not yet implemented or what failed first. */
  reason?: string;
  firstFailure?: { target: string; difference: Difference };
  targets: TargetResult[];
  costChecks: CostCheck[];
  durationMs: number;
}

// ---- loading ----------------------------------------------------------------------------------------------------

export function loadSpecs(capturesDir: string): SpecEntry[] {
  const root = join(capturesDir, "config", "parity-specs");
  const entries: SpecEntry[] = [];
  for (const domain of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, domain)).sort()) {
      if (!file.endsWith(".json")) continue;
      const spec = JSON.parse(readFileSync(join(root, domain, file), "utf8")) as ParitySpec;
      entries.push({ domain, file: `${domain}/${file}`, spec });
    }
  }
  return entries;
}

function documentsOf(spec: ParitySpec): string[] {
  const paths = new Set<string>();
  if (spec.proxyRequest?.documentPath) paths.add(spec.proxyRequest.documentPath);
  for (const target of spec.comparison.targets)
    if (target.proxyRequest?.documentPath) paths.add(target.proxyRequest.documentPath);
  return [...paths];
}

function rootFields(document: DocumentNode): string[] {
  const roots: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== "OperationDefinition") continue;
    for (const selection of definition.selectionSet.selections)
      if (selection.kind === "Field") roots.push(selection.name.value);
  }
  return roots;
}

/** Root fields that exist in Shopify's schema but have no resolver here (unknown roots are validation errors). */
export function missingRootsOf(capturesDir: string, spec: ParitySpec): string[] {
  const schema = getAdminSchema();
  const known = { ...schema.getQueryType()?.getFields(), ...schema.getMutationType()?.getFields() };
  const resolvers = buildRootResolvers();
  const implemented = new Set([...Object.keys(resolvers.QueryRoot), ...Object.keys(resolvers.Mutation)]);
  const missing = new Set<string>();
  for (const path of documentsOf(spec)) {
    let document: DocumentNode;
    try {
      document = parse(readFileSync(join(capturesDir, path), "utf8"));
    } catch {
      continue; // deliberately invalid documents exercise parse errors
    }
    for (const root of rootFields(document)) if (root in known && !implemented.has(root)) missing.add(root);
  }
  return [...missing].sort();
}

// ---- environment ------------------------------------------------------------------------------------------------

export const REPLAY_SCOPES = ALL_SCOPES;

const REPLAY_CONFIG = testConfig({
  app: {
    apiKey: "parity-api-key",
    apiSecret: "parity-api-secret",
    appUrl: "http://127.0.0.1:1",
    scopes: REPLAY_SCOPES,
  },
});

const PLAN_BY_RESTORE_RATE: Record<number, ShopPlan> = {
  100: "BASIC",
  200: "ADVANCED",
  1000: "PLUS",
  2000: "ENTERPRISE",
};

function findFirst(value: unknown, test: (node: Record<string, unknown>) => unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findFirst(item, test);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const own = test(record);
  if (own !== undefined) return own;
  for (const child of Object.values(record)) {
    const found = findFirst(child, test);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The plan the capture's throttle status shows (Shopify's restore rate is per plan); Basic when none shows. */
export function planOfCapture(capture: unknown): ShopPlan {
  const rate = findFirst(capture, (node) =>
    typeof node.restoreRate === "number" && "maximumAvailable" in node ? node.restoreRate : undefined,
  );
  return (typeof rate === "number" && PLAN_BY_RESTORE_RATE[rate]) || "BASIC";
}

interface Environment {
  emulator: RunningEmulator;
  token: string;
}

/** Extra state some scenarios need beyond the records they show: live-store totals they count. */
const PRECONDITIONS: Record<string, (env: { store: EmulatorStore; shop: ShopRecord; capture: unknown }) => void> = {
  // customersCount over the whole live store (1232 customers); the capture shows only the totals.
  "customers-count-read": ({ store, shop, capture }) => {
    const total = readPath(capture, "$.data.total.count");
    if (typeof total === "number") padCustomers(store, shop, total);
  },
  // The recorder's `seedProduct` predates the tagsAdd that preceded this tagsRemove: the product held the tags the
  // mutation left plus the one it removed (the removed query's tag; "missing" never existed).
  "tags-remove-live-parity": ({ store, shop, capture }) => {
    const node = readPath(capture, "$.mutation.response.data.tagsRemove.node") as { id?: string; tags?: string[] };
    const removedQuery = readPath(capture, "$.downstreamReadVariables.removedQuery");
    const gid = typeof node.id === "string" ? parseGid(node.id) : null;
    const product = gid ? store.getRecord<ProductRecord>("products", shop.id, gid.id) : null;
    if (!product || !Array.isArray(node.tags) || typeof removedQuery !== "string") return;
    store.putProduct(
      shop.id,
      { ...product, tags: [...node.tags, removedQuery.replace(/^tag:/, "")] },
      { silent: true },
    );
  },
  // ordersCount over the whole live store; the capture shows one order and the total.
  "order-empty-state-read": ({ store, shop, capture }) => {
    const total = readPath(capture, "$.response.data.ordersCount.count");
    if (typeof total === "number") padOrders(store, shop, total);
  },
};

/**
 * Variables of documents whose `*.variables.json` the captures copy leaves out, rebuilt from the requests the
 * capture records (each names the capture section its values come from).
 */
const MISSING_VARIABLES: Record<string, (capture: unknown) => Record<string, unknown>> = {
  // BulkOperationStatusParityRead: the unknown-id read and the two empty "running" catalogs of `reads`.
  "bulk-operation-status-catalog-cancel": (capture) => ({
    unknownId: readPath(capture, "$.reads.unknownId.variables.id"),
    first: readPath(capture, "$.reads.catalogEmptyRunningQuery.variables.first"),
    runningQuery: readPath(capture, "$.reads.catalogEmptyRunningQuery.variables.query"),
    runningMutation: readPath(capture, "$.reads.catalogEmptyRunningMutation.variables.query"),
    sortKey: readPath(capture, "$.reads.catalogEmptyRunningQuery.variables.sortKey"),
    reverse: readPath(capture, "$.reads.catalogEmptyRunningQuery.variables.reverse"),
  }),
};

/** BulkOperation ids the spec's requests send, taken from the capture's recorded variables. */
function bulkOperationsNamedBy(spec: ParitySpec, capture: unknown): Set<number> {
  const named = new Set<number>();
  const collect = (value: unknown): void => {
    if (typeof value === "string") {
      const gid = parseGid(value);
      if (gid?.type === "BulkOperation") named.add(gid.id);
    } else if (typeof value === "object" && value !== null) {
      for (const child of Object.values(value)) collect(child);
    }
  };
  const requests = [spec.proxyRequest, ...spec.comparison.targets.map((target) => target.proxyRequest)];
  for (const request of requests) {
    if (request?.variablesCapturePath) collect(readPath(capture, request.variablesCapturePath));
    if (request?.variables) collect(request.variables);
  }
  return named;
}

async function createEnvironment(spec: ParitySpec, storeDomain: string, capture: unknown): Promise<Environment> {
  const scenarioId = spec.scenarioId;
  const capturedAt = readPath(capture, "$.capturedAt");
  const clock = typeof capturedAt === "string" ? new Date(capturedAt) : new Date();
  const store = new EmulatorStore({ now: () => clock });
  const emulator = await startEmulator({ store, config: REPLAY_CONFIG });
  const records = collectCapturedRecords(capture);
  const shop = store.createShop({
    domain: storeDomain,
    plan: planOfCapture(capture),
    currencyCode: records.currencyCode ?? "USD",
    createdAt: "2024-01-01T00:00:00Z",
  });
  installApp(emulator.context, shop.id, REPLAY_SCOPES);
  const { accessToken } = issueOfflineToken(emulator.context, shop.id, REPLAY_CONFIG.app.apiKey, { expiring: false });
  seedFromCapture(store, shop, records);
  const captured = collectBulkOperations(capture, bulkOperationsNamedBy(spec, capture));
  for (const operation of bulkOperationRecords(captured, shop.id, REPLAY_CONFIG.app.apiKey))
    importOperation(emulator.context, operation);
  PRECONDITIONS[scenarioId]?.({ store, shop, capture });
  return { emulator, token: accessToken };
}

// ---- requests ---------------------------------------------------------------------------------------------------

interface ReplayState {
  scenarioId: string;
  capture: unknown;
  primary: unknown;
  previous: unknown;
  byTarget: Map<string, unknown>;
}

function fromPath(root: unknown, path: string, what: string): unknown {
  const value = readPath(root, path);
  if (value === MISSING) throw new Error(`${what} has nothing at ${path}`);
  return value;
}

/** Resolves `{fromCapturePath}`, `{fromPrimaryProxyPath}`, `{fromPreviousProxyPath}`, `{fromProxyResponse, path}`. */
export function resolveVariables(value: unknown, state: ReplayState): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, state));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record.fromCapturePath === "string") return fromPath(state.capture, record.fromCapturePath, "the capture");
  if (typeof record.fromPrimaryProxyPath === "string")
    return fromPath(state.primary, record.fromPrimaryProxyPath, "the primary response");
  if (typeof record.fromPreviousProxyPath === "string")
    return fromPath(state.previous, record.fromPreviousProxyPath, "the previous response");
  if (typeof record.fromProxyResponse === "string" && typeof record.path === "string") {
    return fromPath(
      state.byTarget.get(record.fromProxyResponse),
      record.path,
      `the response of ${record.fromProxyResponse}`,
    );
  }
  return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, resolveVariables(child, state)]));
}

function variablesFor(capturesDir: string, request: ProxyRequestSpec, state: ReplayState): Record<string, unknown> {
  if (request.variablesCapturePath) {
    const value = readPath(state.capture, request.variablesCapturePath);
    return value === MISSING || value === null ? {} : (value as Record<string, unknown>);
  }
  if (request.variables) return resolveVariables(request.variables, state) as Record<string, unknown>;
  if (request.variablesPath && existsSync(join(capturesDir, request.variablesPath))) {
    return JSON.parse(readFileSync(join(capturesDir, request.variablesPath), "utf8")) as Record<string, unknown>;
  }
  const rebuilt = MISSING_VARIABLES[state.scenarioId];
  if (request.variablesPath && rebuilt) return rebuilt(state.capture);
  // The captures copy leaves out some `*.variables.json`; the capture records what was sent.
  for (const path of ["$.variables", "$.proxyVariables"]) {
    const value = readPath(state.capture, path);
    if (typeof value === "object" && value !== null) return value as Record<string, unknown>;
  }
  return {};
}

/** A sunset stable version falls forward to the oldest one still served, as Shopify does; otherwise ours. */
function apiVersionFor(version: string | undefined): string {
  if (version && SUPPORTED_API_VERSIONS.includes(version)) return version;
  const oldest = SUPPORTED_API_VERSIONS.find((served) => /^\d{4}-\d{2}$/.test(served));
  if (version && oldest && /^\d{4}-\d{2}$/.test(version) && version < oldest) return oldest;
  return SHOPIFY_API_VERSION;
}

async function post(
  env: Environment,
  version: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<unknown> {
  const response = await fetch(`${env.emulator.url}/admin/api/${version}/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": env.token },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { httpStatus: response.status, body: text };
  }
}

async function send(
  capturesDir: string,
  env: Environment,
  request: ProxyRequestSpec,
  fallbackVersion: string | undefined,
  state: ReplayState,
): Promise<unknown> {
  const query = request.documentCapturePath
    ? String(fromPath(state.capture, request.documentCapturePath, "the capture"))
    : readFileSync(join(capturesDir, request.documentPath ?? ""), "utf8");
  return post(
    env,
    apiVersionFor(request.apiVersion ?? fallbackVersion),
    query,
    variablesFor(capturesDir, request, state),
  );
}

// ---- staged uploads ---------------------------------------------------------------------------------------------

interface ProxyUploadSpec {
  method: "POST" | "PUT";
  path: unknown;
  body: unknown;
}

interface StagedTargetShape {
  url?: unknown;
  resourceUrl?: unknown;
  parameters?: Array<{ name: string; value: string }>;
}

/** The staged target (with its form parameters) some earlier response handed out for `url`. */
function stagedTargetFor(url: string, state: ReplayState): StagedTargetShape | null {
  const responses = [state.primary, state.previous, ...state.byTarget.values()];
  for (const response of responses) {
    const targets = readPath(response, "$.data.stagedUploadsCreate.stagedTargets");
    if (!Array.isArray(targets)) continue;
    const found = (targets as StagedTargetShape[]).find((target) => target.resourceUrl === url || target.url === url);
    if (found) return found;
  }
  return null;
}

/** Performs a spec's `proxyUpload`: a PUT of the body to the signed URL, or the form POST (parameters, file last). */
async function upload(spec: ProxyUploadSpec, state: ReplayState): Promise<number> {
  const url = String(resolveVariables(spec.path, state));
  const body = String(resolveVariables(spec.body, state));
  if (spec.method === "PUT") return (await fetch(url, { method: "PUT", body })).status;
  const form = new FormData();
  for (const { name, value } of stagedTargetFor(url, state)?.parameters ?? []) form.append(name, value);
  form.append("file", new Blob([body]), "upload.jsonl");
  return (await fetch(url, { method: "POST", body: form })).status;
}

// ---- polling ----------------------------------------------------------------------------------------------------

const MAX_POLLS = 250;
const POLL_INTERVAL_MS = 20;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function bulkStatus(value: unknown): BulkOperationStatus | null {
  if (typeof value !== "object" || value === null) return null;
  const { status, id } = value as { status?: unknown; id?: unknown };
  return typeof status === "string" && typeof id === "string" && id.startsWith("gid://shopify/BulkOperation/")
    ? (status as BulkOperationStatus)
    : null;
}

/** A query target whose captured operation is terminal while ours is not yet (the capture's own polling). */
function stillRunning(capturesDir: string, capture: unknown, response: unknown, target: TargetSpec): boolean {
  const documentPath = target.proxyRequest?.documentPath;
  if (!target.capturePath || !documentPath) return false;
  if (/^\s*mutation\b/m.test(readFileSync(join(capturesDir, documentPath), "utf8"))) return false;
  const theirs = bulkStatus(readPath(capture, target.capturePath));
  const ours = bulkStatus(readPath(response, target.proxyPath ?? "$"));
  return theirs !== null && ours !== null && TERMINAL_STATUSES.has(theirs) && !TERMINAL_STATUSES.has(ours);
}

// ---- cost -------------------------------------------------------------------------------------------------------

function costFacts(response: unknown): CostFacts | null {
  const cost = readPath(response, "$.extensions.cost");
  if (cost === MISSING || typeof cost !== "object" || cost === null) return null;
  const record = cost as Record<string, unknown>;
  const throttle = (record.throttleStatus ?? {}) as Record<string, unknown>;
  return {
    requestedQueryCost: record.requestedQueryCost,
    maximumAvailable: throttle.maximumAvailable,
    restoreRate: throttle.restoreRate,
  };
}

/** The captured response a target's slice comes from: the capture path up to its `data`/`errors`/`extensions`. */
function capturedResponseOf(capture: unknown, capturePath: string | undefined): unknown {
  if (!capturePath) return MISSING;
  const match = /^(.*?)\.(?:data|errors|extensions)(?:[.[]|$)/.exec(capturePath);
  if (!match) return MISSING;
  return match[1] === "$" ? capture : readPath(capture, match[1]!);
}

// ---- scenarios --------------------------------------------------------------------------------------------------

interface NotImplemented {
  message: string;
  /** A root field (query or mutation) rather than a field of an object the emulator does return. */
  root: boolean;
}

function hasNotImplemented(response: unknown): NotImplemented | null {
  const errors = readPath(response, "$.errors");
  if (!Array.isArray(errors)) return null;
  for (const error of errors) {
    const record = error as { message?: unknown; extensions?: { code?: unknown; typeName?: unknown } };
    if (record.extensions?.code === "NOT_IMPLEMENTED") {
      const typeName = record.extensions.typeName;
      return { message: String(record.message), root: typeName === "QueryRoot" || typeName === "Mutation" };
    }
  }
  return null;
}

export async function replayScenario(capturesDir: string, entry: SpecEntry): Promise<ScenarioResult> {
  const started = Date.now();
  const { spec } = entry;
  const base = { id: spec.scenarioId, domain: entry.domain, file: entry.file };
  const missingRoots = missingRootsOf(capturesDir, spec);
  const result = (
    rest: Omit<ScenarioResult, "id" | "domain" | "file" | "missingRoots" | "durationMs">,
  ): ScenarioResult => ({
    ...base,
    missingRoots,
    ...rest,
    durationMs: Date.now() - started,
  });

  const unsupported = spec.comparison.targets.find((target) => target.proxyHttpRequest || target.jsonlRecords);
  if (unsupported) {
    return result({
      outcome: "not-yet-implemented",
      reason: `needs bulk-operation result files (target "${unsupported.name}")${missingRoots.length ? `; roots: ${missingRoots.join(", ")}` : ""}`,
      targets: [],
      costChecks: [],
    });
  }

  const captureFile = spec.liveCaptureFiles[0];
  if (!captureFile || !existsSync(join(capturesDir, captureFile))) {
    return result({ outcome: "failed", reason: `capture file missing: ${captureFile}`, targets: [], costChecks: [] });
  }
  const capture = JSON.parse(readFileSync(join(capturesDir, captureFile), "utf8")) as unknown;
  const [, storeDomain = "parity.myshopify.com", captureVersion] =
    /fixtures\/conformance\/([^/]+)\/([^/]+)\//.exec(captureFile) ?? [];

  const environments: Environment[] = [];
  const targets: TargetResult[] = [];
  const costChecks: CostCheck[] = [];
  let notImplemented: NotImplemented | null = null;
  let crash: string | null = null;
  try {
    const shared = await createEnvironment(spec, storeDomain, capture);
    environments.push(shared);
    const state: ReplayState = {
      scenarioId: spec.scenarioId,
      capture,
      primary: MISSING,
      previous: MISSING,
      byTarget: new Map(),
    };
    if (spec.proxyRequest?.documentPath || spec.proxyRequest?.documentCapturePath) {
      state.primary = await send(capturesDir, shared, spec.proxyRequest, captureVersion, state);
      state.previous = state.primary;
      notImplemented ??= hasNotImplemented(state.primary);
    }
    for (const target of spec.comparison.targets) {
      if (target.proxyUpload) {
        // A step, not a comparison: the upload the capture made to its staged target must be accepted here too.
        const status = await upload(target.proxyUpload as ProxyUploadSpec, state);
        targets.push(
          status >= 200 && status < 300
            ? { name: target.name, passed: true }
            : { name: target.name, passed: false, difference: { path: "$", shopify: "2xx", emulator: status } },
        );
        continue;
      }
      let response = state.primary;
      if (target.proxyRequest) {
        let env = shared;
        if (target.isolatedProxy) {
          env = await createEnvironment(spec, storeDomain, capture);
          environments.push(env);
        }
        response = await send(capturesDir, env, target.proxyRequest, captureVersion, state);
        // The capture polled a bulk operation until it finished; a read of ours that is still running polls too.
        for (let poll = 0; poll < MAX_POLLS && stillRunning(capturesDir, capture, response, target); poll += 1) {
          await sleep(POLL_INTERVAL_MS);
          response = await send(capturesDir, env, target.proxyRequest, captureVersion, state);
        }
        notImplemented ??= hasNotImplemented(response);
      }
      state.byTarget.set(target.name, response);
      state.previous = response;
      const shopifySlice = target.capturePath ? readPath(capture, target.capturePath) : MISSING;
      const ourSlice = readPath(response, target.proxyPath ?? "$");
      const compareOptions = {
        expectedDifferences: [...(spec.comparison.expectedDifferences ?? []), ...(target.expectedDifferences ?? [])],
        selectedPaths: target.selectedPaths,
        excludedPaths: target.excludedPaths,
      };
      const difference = compareSlices(shopifySlice, ourSlice, compareOptions);
      targets.push(
        difference
          ? {
              name: target.name,
              passed: false,
              difference,
              beyondCursors: compareSlices(shopifySlice, ourSlice, { ...compareOptions, ignoredKeys: CURSOR_KEYS }),
            }
          : { name: target.name, passed: true },
      );

      const capturedCost = costFacts(capturedResponseOf(capture, target.capturePath));
      if (capturedCost && !costChecks.some((check) => check.target === target.name)) {
        const ours = costFacts(response);
        costChecks.push({
          target: target.name,
          shopify: capturedCost,
          emulator: ours,
          matches: ours !== null && JSON.stringify(ours) === JSON.stringify(capturedCost),
        });
      }
    }
  } catch (error) {
    crash = error instanceof Error ? error.message : String(error);
  } finally {
    await Promise.all(environments.map((env) => env.emulator.close()));
  }

  const failed = targets.find((target) => !target.passed);
  if (!crash && !failed) return result({ outcome: "passed", targets, costChecks });
  if (missingRoots.length > 0 || notImplemented?.root) {
    return result({
      outcome: "not-yet-implemented",
      reason: missingRoots.length ? `roots not implemented: ${missingRoots.join(", ")}` : notImplemented!.message,
      targets,
      costChecks,
    });
  }
  if (crash) return result({ outcome: "failed", reason: `replay error: ${crash}`, targets, costChecks });
  return result({
    outcome: "failed",
    reason: notImplemented ? notImplemented.message : undefined,
    firstFailure: { target: failed!.name, difference: failed!.difference! },
    targets,
    costChecks,
  });
}

export interface ReplayOptions {
  /** Only these scenario ids (default: all). */
  only?: readonly string[];
  concurrency?: number;
}

export async function replayAll(capturesDir: string, options: ReplayOptions = {}): Promise<ScenarioResult[]> {
  const entries = loadSpecs(capturesDir).filter(
    (entry) => !options.only || options.only.includes(entry.spec.scenarioId),
  );
  const results: ScenarioResult[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      results[index] = await replayScenario(capturesDir, entries[index]!);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return results;
}
