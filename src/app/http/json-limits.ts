/**
 * How deep and how long a webhook body may be, checked on the parsed JSON before any schema sees
 * it. JSON.parse itself copes with any nesting, but much that comes after (JSON.stringify when the
 * delivery is queued, zod, the workers) recurses and would die of a stack overflow on a body
 * nested a few thousand deep; a hostile tracker could also send one array of a million elements
 * that every loop over it then pays for. The body size limit alone does not bound either: 1 MB of
 * `[` is a million levels.
 *
 * The limits are per source (`webhook.depth_limit`, `webhook.array_limit`, like `body_limit`);
 * their defaults are in src/config/source-file.ts. The walk is iterative (an explicit stack), so the check itself cannot overflow, and it stops at
 * the first violation.
 */

export interface JsonLimits {
  /** Containers inside one another: `{}` and `[1]` are 1 deep, `{"a":[1]}` 2; scalars 0. */
  readonly maxDepth: number;
  /** Elements of any one array. */
  readonly maxArrayLength: number;
}

export type JsonLimitViolation =
  | { readonly limit: 'depth'; readonly max: number; readonly path: string }
  | { readonly limit: 'array'; readonly max: number; readonly length: number; readonly path: string };

/**
 * Whether `value` stays within `limits`: the walk every webhook takes, so it allocates nothing per
 * node (two parallel stacks, no entries, no key arrays); only a body that fails it is walked again
 * for the path.
 */
function withinLimits(value: unknown, limits: JsonLimits): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()! + 1;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limits.maxDepth) return false;
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) return false;
      for (const child of node) {
        if (child !== null && typeof child === 'object') {
          nodes.push(child);
          depths.push(depth);
        }
      }
    } else {
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        if (child !== null && typeof child === 'object' && Object.hasOwn(node, key)) {
          nodes.push(child);
          depths.push(depth);
        }
      }
    }
  }
  return true;
}

/** The first place `value` goes beyond `limits`, with its path (`issue.fields.comment.comments`), or undefined. */
export function jsonLimitViolation(value: unknown, limits: JsonLimits): JsonLimitViolation | undefined {
  return withinLimits(value, limits) ? undefined : firstViolation(value, limits);
}

function firstViolation(value: unknown, limits: JsonLimits): JsonLimitViolation | undefined {
  // Each entry knows its parent and key, so the path is built only for a violation.
  interface Entry {
    readonly node: unknown;
    readonly depth: number;
    readonly parent?: Entry;
    readonly key?: string | number;
  }
  const pathOf = (entry: Entry): string => {
    const parts: (string | number)[] = [];
    for (let at: Entry | undefined = entry; at?.parent; at = at.parent) parts.unshift(at.key!);
    return formatJsonPath(parts);
  };
  const stack: Entry[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node } = entry;
    if (node === null || typeof node !== 'object') continue;
    const depth = entry.depth + 1;
    if (depth > limits.maxDepth) return { limit: 'depth', max: limits.maxDepth, path: pathOf(entry) };
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) return { limit: 'array', max: limits.maxArrayLength, length: node.length, path: pathOf(entry) };
      for (let index = node.length - 1; index >= 0; index -= 1) stack.push({ node: node[index], depth, parent: entry, key: index });
    } else {
      for (const [key, child] of Object.entries(node)) stack.push({ node: child, depth, parent: entry, key });
    }
  }
  return undefined;
}

const MAX_PATH_LENGTH = 120;

/** `a.b[3].c`, cut short: a path 64 levels deep is still one readable line. */
function formatJsonPath(path: readonly (string | number)[]): string {
  const text = path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`)).join('') || '(body)';
  return text.length > MAX_PATH_LENGTH ? `${text.slice(0, MAX_PATH_LENGTH - 1)}…` : text;
}

/** The refusal's message, naming the limit and the setting that raises it. */
export function describeViolation(violation: JsonLimitViolation): string {
  return violation.limit === 'depth'
    ? `body nested deeper than ${violation.max} levels at ${violation.path} (limit webhook.depth_limit)`
    : `array at ${violation.path} has ${violation.length} elements, more than ${violation.max} (limit webhook.array_limit)`;
}
