/**
 * One state per process. A package loaded both through `import` (its ESM build) and `require`
 * (its CJS build) runs twice, so module-level state exists twice: two id sequences, two error
 * registries, two async contexts. State that must be one per process is kept on `globalThis`
 * under a `Symbol.for` key instead, which every copy of every version resolves to the same slot.
 */

interface Slot {
  readonly version: number;
  readonly value: unknown;
}

/**
 * The process-wide value named `name`: the first copy of a package to ask creates it with
 * `create()`, every later copy (ESM or CJS, same `version`) gets that same value.
 *
 * `version` is the shape of the value: bump it when the shape changes. A copy asking for
 * another version than the one stored cannot safely use that value, so it gets a value of its
 * own (created by `create()`), as if it were alone; the stored one is left to its owners.
 *
 * @param name - the slot's key, passed to `Symbol.for`; prefix it with the package name
 * @param version - the shape of the value, a number compared with `===` to the stored one
 * @param create - makes the value; called only when this copy is the first to ask for `name`
 *   or asks for another `version` than the one stored
 * @returns the value stored for `name` and `version`, or the one `create()` just made
 * @example
 * ```ts
 * const registry = processWide('@foundation/errors:codes', 1, () => new Map<string, ErrorCode>());
 * ```
 */
export function processWide<T>(name: string, version: number, create: () => T): T {
  const key = Symbol.for(name);
  const slots = globalThis as unknown as Record<symbol, Slot | undefined>;
  const existing = slots[key];
  if (existing?.version === version) return existing.value as T;
  const value = create();
  if (existing === undefined) {
    // Not enumerable or writable: a stray Object.assign(globalThis, …) cannot replace it.
    Object.defineProperty(globalThis, key, {
      value: Object.freeze({ version, value }),
      enumerable: false,
      writable: false,
      configurable: false,
    });
  }
  return value;
}
