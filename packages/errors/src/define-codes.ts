import {
  getErrorCode,
  register,
  type DefinedErrorCodes,
  type ErrorCodeSpec,
  type RetryStrategy,
  type Severity,
} from './codes.js';
import { FoundationError } from './foundation-error.js';
import { isForbiddenKey } from './json-safe.js';

const SEVERITIES: readonly unknown[] = ['low', 'medium', 'high', 'critical'] satisfies Severity[];
const STRATEGIES: readonly unknown[] = [
  'none',
  'immediate',
  'fixed_delay',
  'exponential_backoff',
] satisfies RetryStrategy[];
const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

interface Problem {
  readonly path: string;
  readonly rule: string;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}

function sameSpec(name: string, spec: ErrorCodeSpec, other: ErrorCodeSpec & { name: string }) {
  return (
    name === other.name &&
    spec.code === other.code &&
    spec.category === other.category &&
    spec.subcategory === other.subcategory &&
    spec.severity === other.severity &&
    spec.retry === other.retry &&
    spec.description === other.description
  );
}

/** The first rule one named spec breaks, or undefined when it can be registered. */
function problemWith(name: string, value: unknown, batch: Set<number>): Problem | undefined {
  const at = `specs.${name}`;
  if (isForbiddenKey(name)) return { path: at, rule: 'forbidden key' };
  if (!NAME_PATTERN.test(name))
    return { path: at, rule: `name must match ${String(NAME_PATTERN)}` };
  if (typeof value !== 'object' || value === null) return { path: at, rule: 'must be an object' };
  const spec = value as ErrorCodeSpec;
  if (!Number.isSafeInteger(spec.code) || spec.code <= 0)
    return { path: `${at}.code`, rule: 'must be a positive integer' };
  if (!isNonEmptyString(spec.category))
    return { path: `${at}.category`, rule: 'must be a non-empty string' };
  if (!isNonEmptyString(spec.subcategory))
    return { path: `${at}.subcategory`, rule: 'must be a non-empty string' };
  if (!SEVERITIES.includes(spec.severity))
    return { path: `${at}.severity`, rule: `must be one of ${SEVERITIES.join(', ')}` };
  if (!STRATEGIES.includes(spec.retry))
    return { path: `${at}.retry`, rule: `must be one of ${STRATEGIES.join(', ')}` };
  if (typeof spec.description !== 'string')
    return { path: `${at}.description`, rule: 'must be a string' };
  if (batch.has(spec.code))
    return { path: `${at}.code`, rule: `code ${spec.code} appears twice in this set` };
  const sameName = getErrorCode(name);
  if (sameName && !sameSpec(name, spec, sameName))
    return { path: at, rule: `name already registered with code ${sameName.code}` };
  const sameNumber = getErrorCode(spec.code);
  if (sameNumber && !sameSpec(name, spec, sameNumber))
    return { path: `${at}.code`, rule: `code already registered as '${sameNumber.name}'` };
  return undefined;
}

/**
 * Registers an application's (or a package's) own error codes and returns them as typed
 * values to pass to `new FoundationError(...)`. All or nothing: an invalid spec, or a name or
 * number that is already registered with a different definition, refuses the whole set.
 * Registering the identical definition again is accepted, so two copies of a package that
 * define the same codes can live in one process.
 *
 * To use the new names as strings too (`new FoundationError('payment_declined')`), add them to
 * {@link ErrorCodeRegistry} by declaration merging.
 *
 * @param specs - the codes to add, keyed by name: each with its number, category,
 *   subcategory, severity, retry policy and description
 * @returns a frozen object with one registered {@link ErrorCode} per name of `specs`, typed so
 *   each can be passed to `new FoundationError(...)`
 * @throws FoundationError 3204 (`invalid_input`) naming the `path` (such as
 * `specs.payment_declined.code`) and the `rule` broken, in its context.
 * @example
 * ```ts
 * const AppErrors = defineErrorCodes({
 *   payment_declined: {
 *     code: 5101, category: 'external', subcategory: 'payments',
 *     severity: 'medium', retry: 'none', description: 'Payment declined',
 *   },
 * });
 * throw new FoundationError(AppErrors.payment_declined, 'card expired');
 * ```
 */
export function defineErrorCodes<const T extends Record<string, ErrorCodeSpec>>(
  specs: T,
): DefinedErrorCodes<T> {
  if (typeof specs !== 'object' || (specs as unknown) === null || Array.isArray(specs)) {
    throw refusal({ path: 'specs', rule: 'must be an object of named specs' });
  }
  const batch = new Set<number>();
  for (const [name, value] of Object.entries(specs)) {
    const problem = problemWith(name, value, batch);
    if (problem) throw refusal(problem);
    batch.add(value.code);
  }
  return register(specs);
}

function refusal({ path, rule }: Problem): FoundationError {
  return new FoundationError('invalid_input', `defineErrorCodes: ${path} ${rule}`, {
    context: { path, rule },
  });
}
