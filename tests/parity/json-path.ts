/**
 * The small JSONPath subset the parity specs use: `$`, `.name`, `['name']`, `[3]` and the wildcard `[*]` / `.*`.
 */
export type PathSegment = string | number | "*";

export function parsePath(path: string): PathSegment[] {
  if (!path.startsWith("$")) throw new Error(`JSONPath must start with $: ${path}`);
  const segments: PathSegment[] = [];
  let index = 1;
  while (index < path.length) {
    const char = path[index];
    if (char === ".") {
      const match = /^\.([^.[\]]+)/.exec(path.slice(index));
      if (!match) throw new Error(`Bad JSONPath ${path} at ${index}`);
      segments.push(match[1] === "*" ? "*" : match[1]!);
      index += match[0].length;
    } else if (char === "[") {
      const match = /^\[(\*|\d+|'[^']*'|"[^"]*")\]/.exec(path.slice(index));
      if (!match) throw new Error(`Bad JSONPath ${path} at ${index}`);
      const inner = match[1]!;
      segments.push(inner === "*" ? "*" : /^\d+$/.test(inner) ? Number(inner) : inner.slice(1, -1));
      index += match[0].length;
    } else {
      throw new Error(`Bad JSONPath ${path} at ${index}`);
    }
  }
  return segments;
}

export const MISSING: unique symbol = Symbol("missing");

/** The value at a path without wildcards, or `MISSING`. */
export function readPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of parsePath(path)) {
    if (segment === "*") throw new Error(`Wildcard not allowed when reading a single value: ${path}`);
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment >= current.length) return MISSING;
      current = current[segment];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return MISSING;
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** Whether a concrete path (keys and indexes) matches a pattern that may hold wildcards. */
export function pathMatches(pattern: readonly PathSegment[], concrete: readonly (string | number)[]): boolean {
  if (pattern.length !== concrete.length) return false;
  return pattern.every((segment, index) => segment === "*" || segment === concrete[index]);
}

/** Whether `prefix` (a pattern) matches the start of `concrete`. */
export function pathStartsWith(pattern: readonly PathSegment[], concrete: readonly (string | number)[]): boolean {
  if (pattern.length > concrete.length) return false;
  return pattern.every((segment, index) => segment === "*" || segment === concrete[index]);
}

export function formatPath(concrete: readonly (string | number)[]): string {
  return "$" + concrete.map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${segment}`)).join("");
}
