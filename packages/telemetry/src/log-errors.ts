import { serializeError, type SerializedError } from '@foundation/errors';

/** One step of a redact path: a key, or `*` for every key of an object. */
type PathSegment = string | typeof ANY;
const ANY = Symbol('any key');

// `a.b`, `a["b-c"]`, `a['b']`, `a[0]`, `a.*`, `a[*]`: the forms of pino's redact paths.
const SEGMENT = /\.?([^.[\]"']+)|\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\]"']+))\]/gy;

/**
 * Splits a redact path in pino's syntax into segments. pino has already refused a malformed
 * path by the time this runs; anything this cannot read leaves that path out of error trees.
 */
export function parseRedactPath(path: string): PathSegment[] | undefined {
  const segments: PathSegment[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (match === null) return undefined;
    const key = match[1] ?? match[2] ?? match[3] ?? match[4]!;
    segments.push(key === '*' ? ANY : key);
  }
  return segments.length > 0 ? segments : undefined;
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null;
}

/** `value` with the path replaced by `censor`; copied where changed, never mutated. */
function redactAt(value: unknown, segments: readonly PathSegment[], censor: string): unknown {
  if (!isPlain(value) || segments.length === 0) return value;
  const [head, ...rest] = segments;
  const keys = head === ANY ? Object.keys(value) : Object.hasOwn(value, head!) ? [head!] : [];
  let copy: Plain | undefined;
  for (const key of keys) {
    const next = rest.length === 0 ? censor : redactAt(value[key], rest, censor);
    if (next !== value[key]) {
      copy ??= Array.isArray(value) ? ([...value] as unknown as Plain) : { ...value };
      copy[key] = next;
    }
  }
  return copy ?? value;
}

/** The constructor name pino-std-serializers writes as `type`. */
function typeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'Object';
}

/** A serialized error node, with pino's `type` and the paths redacted. */
type LoggedError = SerializedError & { readonly type: string };

/**
 * Serializes an error for a log line: the errors package's lossless form plus
 * pino-std-serializers' `type` (the constructor name) on the error and each cause, with the
 * redact paths applied at every level of the tree (the error, its `context` and `props`, each
 * cause and aggregated error), since pino's own redaction only sees fixed depths.
 */
export function errorSerializer(
  paths: readonly string[],
  censor: string,
): (error: unknown) => LoggedError {
  const parsed = paths
    .map(parseRedactPath)
    .filter((segments): segments is PathSegment[] => segments !== undefined);
  const redact = (node: Plain): Plain => {
    let out: unknown = node;
    for (const segments of parsed) {
      out = redactAt(out, segments, censor);
      for (const field of ['context', 'props', 'value'] as const) {
        const inner = (out as Plain)[field];
        const next = redactAt(inner, segments, censor);
        if (next !== inner) out = { ...(out as Plain), [field]: next };
      }
    }
    return out as Plain;
  };
  const visit = (serialized: SerializedError, original: unknown): LoggedError => {
    const source = isPlain(original) ? original : {};
    const node: Plain = { type: typeOf(original), ...serialized };
    if (serialized.cause !== undefined) node.cause = visit(serialized.cause, source.cause);
    if (serialized.errors !== undefined) {
      const originals = Array.isArray(source.errors) ? (source.errors as unknown[]) : [];
      node.errors = serialized.errors.map((inner, i) => visit(inner, originals[i]));
    }
    return (parsed.length === 0 ? node : redact(node)) as unknown as LoggedError;
  };
  return (error) => visit(serializeError(error), error);
}
