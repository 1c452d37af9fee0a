/**
 * Resolves dotted paths against the schema once and caches what every later call needs: the
 * segments, the schema nodes along the way, whether the path is updatable, where a write must
 * be re-validated, and a reader compiled for the path's depth.
 */
import { FoundationError } from '@foundation/errors';
import { splitPath } from './paths.js';
import { nodesAlong, type SchemaNode } from './schema-tree.js';
import { getAt } from './tree-ops.js';

/** What is known about one declared path. */
export interface PathInfo {
  /** The dotted path. */
  readonly path: string;
  /** Its segments. */
  readonly segments: readonly string[];
  /** The schema nodes from the root (index 0) to the path's own node. */
  readonly nodes: readonly SchemaNode[];
  /** Reads the value at this path from a snapshot. */
  readonly read: (snapshot: unknown) => unknown;
  /** Whether `update` may write here. */
  readonly updatable: boolean;
  /** The shallowest depth whose schema must re-validate a write here (rules, record keys). */
  readonly ruleDepth: number;
}

/** An `updatable` declaration: an exact path, a whole subtree, or everything (`*`). */
interface UpdatableRule {
  readonly path: string;
  readonly subtree: boolean;
}

const CACHE_LIMIT = 10_000;

/** The declared paths of one schema, resolved on first use. */
export class PathIndex {
  readonly #cache = new Map<string, PathInfo>();
  readonly #rules: readonly UpdatableRule[];

  /**
   * @param root the schema tree.
   * @param updatable the `updatable` option; every entry must name a declared path.
   * @throws FoundationError 1301 naming the first entry that is not a declared path.
   */
  constructor(
    private readonly root: SchemaNode,
    updatable: readonly string[],
  ) {
    this.#rules = updatable.map((rule) => {
      if (rule === '*') return { path: '*', subtree: true };
      const subtree = rule.endsWith('.*');
      const path = subtree ? rule.slice(0, -2) : rule;
      this.#nodes(path, splitPath(path));
      return { path, subtree };
    });
  }

  /** The value at `path` in `snapshot`; throws for an undeclared or forbidden path. */
  read(path: string, snapshot: unknown): unknown {
    return (this.#cache.get(path) ?? this.resolve(path)).read(snapshot);
  }

  /**
   * Everything known about `path`.
   *
   * @throws FoundationError 1101 for a forbidden segment, 1301 for an undeclared path.
   */
  resolve(path: string): PathInfo {
    const cached = this.#cache.get(path);
    if (cached) return cached;
    const segments = splitPath(path);
    const nodes = this.#nodes(path, segments);
    let ruleDepth = segments.length;
    let guarded = false;
    for (let depth = segments.length - 1; depth >= 0; depth--) {
      const node = nodes[depth]!;
      if (node.kind === 'record') guarded = true;
      if (node.refined || node.kind === 'record') ruleDepth = depth;
    }
    // Record keys are the caller's, and some declared keys exist on Object.prototype too:
    // those paths read own properties only.
    guarded ||= segments.some((segment) => segment in Object.prototype);
    const info: PathInfo = {
      path,
      segments,
      nodes,
      read: guarded ? (snapshot) => getAt(snapshot, segments) : compileWalk(segments),
      ruleDepth,
      updatable: this.#rules.some(
        (rule) =>
          rule.path === '*' ||
          rule.path === path ||
          (rule.subtree && path.startsWith(`${rule.path}.`)),
      ),
    };
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(path, info);
    return info;
  }

  /**
   * Checks a secret pattern (a path where `*` stands for any record key) and returns its
   * segments.
   *
   * @throws FoundationError 1301 when it does not name a declared path.
   */
  pattern(path: string): string[] {
    const segments = splitPath(path);
    let node: SchemaNode | undefined = this.root;
    for (const segment of segments) {
      node = node?.kind === 'record' || segment !== '*' ? node?.child(segment) : undefined;
    }
    if (!node) throw notDeclared(path);
    return segments;
  }

  #nodes(path: string, segments: readonly string[]): SchemaNode[] {
    const nodes = nodesAlong(this.root, segments);
    if (!nodes) throw notDeclared(path);
    return nodes;
  }
}

function notDeclared(path: string): FoundationError {
  return new FoundationError('config_not_found', `'${path}' is not a configuration path`, {
    context: { path, rule: 'declared' },
  });
}

type Walk = (snapshot: unknown) => unknown;
type Node = Record<string, unknown> | null | undefined;

/**
 * A reader specialised to the path's length: no loop and no split for the common depths. Only
 * used where every key is declared by the schema and none exists on Object.prototype, so a
 * plain property read cannot reach anything inherited.
 */
function compileWalk(segments: readonly string[]): Walk {
  const [a, b, c, d] = segments as [string, string, string, string];
  switch (segments.length) {
    case 1:
      return (root) => (root as Record<string, unknown>)[a];
    case 2:
      return (root) => (root as Record<string, Node>)[a]?.[b];
    case 3:
      return (root) =>
        ((root as Record<string, Node>)[a] as Record<string, Node> | undefined)?.[b]?.[c];
    case 4:
      return (root) =>
        (
          ((root as Record<string, Node>)[a] as Record<string, Node> | undefined)?.[b] as
            Record<string, Node> | undefined
        )?.[c]?.[d];
    default:
      return (root) => {
        let current = root as Node;
        for (const segment of segments) {
          if (current === undefined || current === null) return undefined;
          current = current[segment] as Node;
        }
        return current;
      };
  }
}
