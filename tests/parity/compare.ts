/**
 * Strict JSON comparison of a captured Shopify slice with the emulator's, allowing only the spec's expected
 * differences (a path with a matcher that checks the form of our value, or `ignore`).
 */
import {
  formatPath,
  MISSING,
  parsePath,
  pathMatches,
  pathStartsWith,
  readPath,
  type PathSegment,
} from "./json-path.js";

export interface ExpectedDifference {
  path: string;
  matcher?: string;
  ignore?: boolean;
  reason?: string;
}

export interface Difference {
  path: string;
  shopify: unknown;
  emulator: unknown;
  /** Why the values differ, when more than "not equal" (e.g. the matcher that failed). */
  detail?: string;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** The matchers the parity specs name; unknown matcher names fail loudly so a new spec is noticed. */
export function matcherAccepts(matcher: string, value: unknown): boolean {
  if (matcher === "any-string") return typeof value === "string";
  if (matcher === "non-empty-string") return typeof value === "string" && value.length > 0;
  if (matcher === "iso-timestamp")
    return typeof value === "string" && ISO_TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
  if (matcher === "jsonl-string") {
    if (typeof value !== "string") return false;
    return value
      .split("\n")
      .filter((line) => line.trim() !== "")
      .every((line) => {
        try {
          JSON.parse(line);
          return true;
        } catch {
          return false;
        }
      });
  }
  if (matcher.startsWith("shopify-gid:")) {
    const type = matcher.slice("shopify-gid:".length);
    return typeof value === "string" && new RegExp(`^gid://shopify/${type}/\\d+(?:\\?.*)?$`).test(value);
  }
  if (matcher.startsWith("regex:"))
    return typeof value === "string" && new RegExp(matcher.slice("regex:".length)).test(value);
  if (matcher.startsWith("exact-string:")) return value === matcher.slice("exact-string:".length);
  throw new Error(`Unknown parity matcher "${matcher}"`);
}

interface CompiledDifference {
  pattern: PathSegment[];
  difference: ExpectedDifference;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): unknown {
  return value === MISSING ? "<absent>" : value;
}

function walk(
  shopify: unknown,
  emulator: unknown,
  path: (string | number)[],
  expected: CompiledDifference[],
  ignoredKeys: ReadonlySet<string> = new Set(),
): Difference | null {
  const last = path[path.length - 1];
  if (typeof last === "string" && ignoredKeys.has(last)) return null;
  const allowance = expected.find((entry) => pathMatches(entry.pattern, path));
  if (allowance) {
    if (allowance.difference.ignore) return null;
    const matcher = allowance.difference.matcher;
    if (matcher && !matcherAccepts(matcher, emulator === MISSING ? undefined : emulator)) {
      return {
        path: formatPath(path),
        shopify: describe(shopify),
        emulator: describe(emulator),
        detail: `does not match ${matcher}`,
      };
    }
    if (matcher) return null;
  }
  if (Array.isArray(shopify) && Array.isArray(emulator)) {
    for (let index = 0; index < Math.max(shopify.length, emulator.length); index += 1) {
      const found = walk(
        index < shopify.length ? shopify[index] : MISSING,
        index < emulator.length ? emulator[index] : MISSING,
        [...path, index],
        expected,
        ignoredKeys,
      );
      if (found) return found;
    }
    return null;
  }
  if (isObject(shopify) && isObject(emulator)) {
    const keys = [...Object.keys(shopify), ...Object.keys(emulator).filter((key) => !(key in shopify))];
    for (const key of keys) {
      const found = walk(
        key in shopify ? shopify[key] : MISSING,
        key in emulator ? emulator[key] : MISSING,
        [...path, key],
        expected,
        ignoredKeys,
      );
      if (found) return found;
    }
    return null;
  }
  if (shopify === emulator) return null;
  return { path: formatPath(path), shopify: describe(shopify), emulator: describe(emulator) };
}

function withoutPaths(value: unknown, patterns: PathSegment[][], path: (string | number)[] = []): unknown {
  if (Array.isArray(value)) {
    return value.map((item, index) => withoutPaths(item, patterns, [...path, index]));
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const childPath = [...path, key];
      if (patterns.some((pattern) => pathMatches(pattern, childPath))) continue;
      out[key] = withoutPaths(child, patterns, childPath);
    }
    return out;
  }
  return value;
}

export interface CompareOptions {
  expectedDifferences?: ExpectedDifference[];
  selectedPaths?: string[];
  excludedPaths?: string[];
  /** Keys ignored wherever they occur; for triage only (e.g. opaque cursors), never for the verdict. */
  ignoredKeys?: readonly string[];
}

/** The first difference between two slices, or null when they agree under the spec's allowances. */
export function compareSlices(shopify: unknown, emulator: unknown, options: CompareOptions = {}): Difference | null {
  const expected = (options.expectedDifferences ?? []).map((difference) => ({
    pattern: parsePath(difference.path),
    difference,
  }));
  const excluded = (options.excludedPaths ?? []).map(parsePath);
  const ignored = new Set(options.ignoredKeys ?? []);
  const left = excluded.length ? withoutPaths(shopify, excluded) : shopify;
  const right = excluded.length ? withoutPaths(emulator, excluded) : emulator;
  if (options.selectedPaths?.length) {
    for (const selected of options.selectedPaths) {
      const pattern = parsePath(selected);
      const scoped = expected
        .filter((entry) => pathStartsWith(pattern, entry.pattern as (string | number)[]))
        .map((entry) => ({ ...entry, pattern: entry.pattern.slice(pattern.length) }));
      const found = walk(readPath(left, selected), readPath(right, selected), [], scoped, ignored);
      if (found) return { ...found, path: selected + found.path.slice(1) };
    }
    return null;
  }
  return walk(left, right, [], expected, ignored);
}
