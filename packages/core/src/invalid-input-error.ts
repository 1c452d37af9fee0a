const NOT_GIVEN: unique symbol = Symbol('not given');

/**
 * What core throws for a bad argument or option. Core depends on nothing, so this is not a
 * `FoundationError` itself; it carries the shared table's code 3204 (`invalid_input`) and the
 * `path` and `rule` broken, and `@foundation/errors`' `toFoundationError` turns it into a
 * `FoundationError` 3204 with `path` and `rule` in its context. A `RangeError`, because the value
 * given is outside what the function accepts.
 */
export class InvalidInputError extends RangeError {
  /** Numeric code from the shared table: 3204 invalid_input. */
  readonly code = 3204 as const;
  /** The code's name. */
  readonly codeName = 'invalid_input' as const;
  /** The argument or option refused, such as `ns` or `options.startTimeoutMs`. */
  readonly path: string;
  /** The rule it broke, such as `must be >= 0`. */
  readonly rule: string;

  /**
   * Creates the error; the message is `<where>: <path> <rule>` (no prefix when `where`
   * is empty), followed by `, got <value>` when
   * the refused value is given.
   */
  constructor(where: string, path: string, rule: string, got: unknown = NOT_GIVEN) {
    const suffix = got === NOT_GIVEN ? '' : `, got ${describe(got)}`;
    super(`${where === '' ? '' : `${where}: `}${path} ${rule}${suffix}`);
    this.name = 'InvalidInputError';
    this.path = path;
    this.rule = rule;
  }
}

/** A short, never-throwing description of a refused value: `-5`, `10n`, `string`, `null`. */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value.toString()}n`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
