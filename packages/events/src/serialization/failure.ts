import { FoundationError } from '@foundation/errors';
import { EventErrorCodes } from '../codes.js';

/** What went wrong while encoding or decoding: decides the error code reported. */
export type FailureKind = 'encode' | 'decode' | 'too_large';

/**
 * Internal signal raised deep inside a codec. Containers add their key or index to `path` as
 * it unwinds, so the happy path pays nothing for path tracking; the entry point turns it into
 * a FoundationError.
 */
export class CodecFailure extends Error {
  /** Path segments from the root to the failing value. */
  readonly path: (string | number)[] = [];

  constructor(
    readonly kind: FailureKind,
    readonly rule: string,
    /** Extra facts for the error's context (the limit that was exceeded, say). */
    readonly facts: Readonly<Record<string, unknown>> = {},
    /**
     * Set for something thrown that no codec rule raised (a bug, the engine out of stack): the
     * entry point reports it under its own direction, so a decode never says 3101.
     */
    readonly unexpected = false,
  ) {
    super(rule);
  }
}

/** Adds `segment` in front of a failure's path; wraps anything else thrown while reading. */
export function atSegment(error: unknown, segment: string | number): CodecFailure {
  const failure =
    error instanceof CodecFailure
      ? error
      : new CodecFailure(
          'encode',
          `threw while being read (${error instanceof Error ? error.message : String(error)})`,
          {},
          true,
        );
  failure.path.unshift(segment);
  return failure;
}

/**
 * Refuses a container at `depth` when the limit is `maxDepth` (both formats, both ways). When
 * encoding, a cycle is what usually gets there.
 */
export function checkDepth(
  depth: number,
  maxDepth: number,
  kind: 'encode' | 'decode' = 'decode',
): void {
  if (depth < maxDepth) return;
  const cycle = kind === 'encode' ? ' (or circular)' : '';
  throw new CodecFailure(kind, `nested deeper than ${maxDepth} levels${cycle}`);
}

/** The failure for an object no codec can carry (a class instance), named by its class. */
export function unsupportedObject(value: object): CodecFailure {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return new CodecFailure(
    'encode',
    `unsupported type ${typeof name === 'string' && name !== '' ? name : 'object'}`,
  );
}

/** `JSON.stringify`, typed honestly: undefined for undefined, functions and symbols. */
export function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders path segments as `data.user[0]["odd key"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '$' : out;
}

const CODES = {
  encode: 'serialization_failed',
  decode: 'deserialization_failed',
  too_large: EventErrorCodes.data_too_large,
} as const;

const VERBS = { encode: 'serialize', decode: 'deserialize', too_large: 'accept' } as const;

/**
 * Turns whatever a codec threw into the FoundationError callers see: a {@link CodecFailure}
 * becomes its code with the path and rule; a FoundationError passes unchanged; anything else
 * (which would be a bug, or the engine running out of stack) becomes a `fallback` failure.
 */
export function toFoundationFailure(
  error: unknown,
  fallback: FailureKind,
  extra: Readonly<Record<string, unknown>> = {},
): FoundationError {
  if (FoundationError.is(error)) return error;
  const failure =
    error instanceof CodecFailure
      ? error
      : new CodecFailure(
          fallback,
          `unexpected failure (${error instanceof Error ? error.message : String(error)})`,
        );
  const path = formatPath(failure.path);
  const kind = failure.unexpected ? fallback : failure.kind;
  return new FoundationError(CODES[kind], `Cannot ${VERBS[kind]} event: ${path}: ${failure.rule}`, {
    context: { path, rule: failure.rule, ...failure.facts, ...extra },
  });
}

/** Builds a data_too_large failure for a payload of `sizeBytes` over `maxBytes`. */
export function tooLarge(sizeBytes: number, maxBytes: number): FoundationError {
  return toFoundationFailure(
    new CodecFailure('too_large', `at most ${maxBytes} bytes`),
    'too_large',
    { sizeBytes, maxBytes },
  );
}
