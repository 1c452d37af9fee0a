/**
 * Dotted configuration paths: the types that infer them from a schema's output, and the one
 * runtime splitter every entry point uses (so `__proto__` and friends are refused everywhere).
 */
import { FoundationError, isForbiddenKey } from '@foundation/errors';

/** The primitive values a configuration can hold (and the ones paths stop at). */
export type PlainPrimitive = string | number | boolean | bigint | symbol | null | undefined;

/** Values a path never walks into: primitives, arrays, functions and built-in class instances. */
export type PathLeaf =
  | PlainPrimitive
  | readonly unknown[]
  | Date
  | RegExp
  | Uint8Array
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  | ((...args: never[]) => unknown);

/** Counts down the nesting levels {@link Paths} still explores, so compile time stays bounded. */
type Countdown = [never, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * Every dotted path into `T`: object nodes and leaves (`'ai' | 'ai.planning' |
 * 'ai.planning.samplingRate' | …`). Record keys become `${string}`; arrays are leaves.
 * `Depth` bounds how deep the type explores (10 levels by default).
 */
export type Paths<T, Depth extends number = 10> = [Depth] extends [never]
  ? never
  : T extends PathLeaf
    ? never
    : T extends object
      ? {
          [K in keyof T & string]:
            | K
            | (NonNullable<T[K]> extends PathLeaf
                ? never
                : `${K}.${Paths<NonNullable<T[K]>, Countdown[Depth]>}`);
        }[keyof T & string]
      : never;

/** The value of key `K` of `T`; a record's value may be absent, so it includes `undefined`. */
export type PathChild<T, K extends string> = K extends keyof T
  ? string extends keyof T
    ? T[K] | undefined
    : T[K]
  : undefined;

/**
 * The type of the value at dotted path `P` of `T`. An optional object on the way makes the
 * result possibly `undefined`.
 */
export type PathValue<T, P extends string> = T extends unknown
  ? P extends `${infer Head}.${infer Rest}`
    ? PathValue<PathChild<T, Head>, Rest>
    : PathChild<T, P>
  : never;

/** `T` with every level read-only, as the frozen snapshots are. */
export type DeepReadonly<T> = T extends PlainPrimitive | ((...args: never[]) => unknown)
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };

/** A path that may be declared updatable: an exact path, or `'<path>.*'` for a whole subtree. */
export type UpdatablePath<T> = Paths<T> | `${Paths<T>}.*`;

/** A path that may be subscribed to: a declared path, or `'*'` for every change. */
export type SubscribePath<T> = Paths<T> | '*';

/** Several updates at once, keyed by path (see `ConfigStore.updateMany`). */
export type ConfigUpdates<T> = { readonly [P in Paths<T>]?: PathValue<T, P> };

/**
 * Splits a dotted path into its segments. Refuses non-strings, empty segments (1301) and the
 * segments `__proto__`, `constructor` and `prototype` (1101).
 */
export function splitPath(path: unknown): string[] {
  if (typeof path !== 'string' || path === '') {
    throw new FoundationError('config_not_found', `config path must be a non-empty string`, {
      context: { path: typeof path === 'string' ? path : typeof path, rule: 'path_format' },
    });
  }
  const segments = path.split('.');
  for (const segment of segments) {
    if (segment === '') {
      throw new FoundationError('config_not_found', `config path '${path}' has an empty segment`, {
        context: { path, rule: 'path_format' },
      });
    }
    if (isForbiddenKey(segment)) throw forbiddenKeyError(path, segment);
  }
  return segments;
}

/** The error for a path or key that could reach an object's prototype. */
export function forbiddenKeyError(path: string, key: string): FoundationError {
  return new FoundationError(
    'invalid_config_structure',
    `config path '${path}' uses the forbidden key '${key}'`,
    { context: { path, rule: 'forbidden_key', key } },
  );
}
