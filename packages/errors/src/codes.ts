import { channel } from 'node:diagnostics_channel';
import { processWide } from '@foundation/core';

/** How bad an error is. `high` and `critical` should be escalated (see `shouldEscalate`). */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** Whether and how an operation that failed with this error may be retried. */
export type RetryStrategy = 'none' | 'immediate' | 'fixed_delay' | 'exponential_backoff';

/** The broad area an error belongs to. Applications may add their own categories. */
export type ErrorCategory = 'config' | 'system' | 'data' | 'external' | (string & {});

/** What an application supplies to define one error code. */
export interface ErrorCodeSpec {
  /** The numeric code: unique across everything registered in the process. */
  readonly code: number;
  /** The broad area (config 1xxx, system 2xxx, data 3xxx, external 4xxx by convention). */
  readonly category: ErrorCategory;
  /** A finer grouping within the category. */
  readonly subcategory: string;
  /** How bad it is. */
  readonly severity: Severity;
  /** Whether a retry can help. */
  readonly retry: RetryStrategy;
  /** The default message for errors of this code. */
  readonly description: string;
}

/** A registered error code: its spec plus its name. */
export interface ErrorCode extends ErrorCodeSpec {
  /** The code's name, such as `config_not_found`. */
  readonly name: string;
}

/**
 * The names of every registered error code, for typing. The built-in names are declared here;
 * an application that registers its own codes can add them by declaration merging:
 *
 * ```ts
 * declare module '@foundation/errors' {
 *   interface ErrorCodeRegistry { payment_declined: true }
 * }
 * ```
 */
export interface ErrorCodeRegistry {
  /** 1101 */ invalid_config_structure: true;
  /** 1102 */ missing_required_field: true;
  /** 1201 */ invalid_config_value: true;
  /** 1202 */ constraint_violation: true;
  /** 1203 */ range_error: true;
  /** 1301 */ config_not_found: true;
  /** 1401 */ config_update_forbidden: true;
  /** 2101 */ initialization_failed: true;
  /** 2102 */ service_unavailable: true;
  /** 2201 */ resource_exhausted: true;
  /** 2301 */ dependency_failed: true;
  /** 2401 */ internal_error: true;
  /** 3101 */ serialization_failed: true;
  /** 3102 */ deserialization_failed: true;
  /** 3201 */ type_mismatch: true;
  /** 3202 */ format_error: true;
  /** 3203 */ validation_failed: true;
  /** 3204 */ invalid_input: true;
  /** 3301 */ data_corruption: true;
  /** 3401 */ data_not_found: true;
  /** 4101 */ network_error: true;
  /** 4201 */ external_service_error: true;
  /** 4301 */ timeout: true;
  /** 4401 */ authentication_failed: true;
}

/** The name of a registered error code. */
export type ErrorCodeName = Extract<keyof ErrorCodeRegistry, string>;

// Generic in the code so the built-in table keeps literal code numbers in its type.
function spec<const C extends number>(
  code: C,
  category: ErrorCategory,
  subcategory: string,
  severity: Severity,
  retry: RetryStrategy,
  description: string,
): ErrorCodeSpec & { readonly code: C } {
  return { code, category, subcategory, severity, retry, description };
}

/**
 * The seed's code table: config 1xxx, system 2xxx, data 3xxx, external 4xxx. Checked against a
 * Partial record because applications add names to the registry by declaration merging.
 */
const BUILTIN_SPECS = {
  invalid_config_structure: spec(
    1101,
    'config',
    'structure',
    'high',
    'none',
    'Invalid configuration structure',
  ),
  missing_required_field: spec(
    1102,
    'config',
    'structure',
    'high',
    'none',
    'Missing required configuration field',
  ),
  invalid_config_value: spec(
    1201,
    'config',
    'validation',
    'medium',
    'none',
    'Invalid configuration value',
  ),
  constraint_violation: spec(
    1202,
    'config',
    'validation',
    'medium',
    'none',
    'Configuration constraint violated',
  ),
  range_error: spec(1203, 'config', 'validation', 'medium', 'none', 'Value out of range'),
  config_not_found: spec(
    1301,
    'config',
    'access',
    'medium',
    'none',
    'Configuration path not found',
  ),
  config_update_forbidden: spec(
    1401,
    'config',
    'runtime',
    'medium',
    'none',
    'Configuration path is not updatable',
  ),
  initialization_failed: spec(
    2101,
    'system',
    'initialization',
    'critical',
    'fixed_delay',
    'Initialization failed',
  ),
  service_unavailable: spec(
    2102,
    'system',
    'runtime',
    'high',
    'exponential_backoff',
    'Service unavailable',
  ),
  resource_exhausted: spec(
    2201,
    'system',
    'resources',
    'high',
    'exponential_backoff',
    'Resource exhausted',
  ),
  dependency_failed: spec(
    2301,
    'system',
    'dependencies',
    'high',
    'exponential_backoff',
    'Dependency failed',
  ),
  internal_error: spec(2401, 'system', 'internal', 'critical', 'none', 'Internal error'),
  serialization_failed: spec(
    3101,
    'data',
    'serialization',
    'medium',
    'none',
    'Serialization failed',
  ),
  deserialization_failed: spec(
    3102,
    'data',
    'serialization',
    'medium',
    'none',
    'Deserialization failed',
  ),
  type_mismatch: spec(3201, 'data', 'validation', 'low', 'none', 'Type mismatch'),
  format_error: spec(3202, 'data', 'validation', 'low', 'none', 'Format error'),
  validation_failed: spec(3203, 'data', 'validation', 'medium', 'none', 'Validation failed'),
  invalid_input: spec(3204, 'data', 'validation', 'low', 'none', 'Invalid input'),
  data_corruption: spec(3301, 'data', 'integrity', 'critical', 'none', 'Data corruption detected'),
  data_not_found: spec(3401, 'data', 'access', 'low', 'none', 'Data not found'),
  network_error: spec(
    4101,
    'external',
    'network',
    'medium',
    'exponential_backoff',
    'Network error',
  ),
  external_service_error: spec(
    4201,
    'external',
    'service',
    'medium',
    'exponential_backoff',
    'External service error',
  ),
  // Backed off exponentially (1, 2, 4, 8 s up to 30 s), as the Elixir original does: a
  // timed-out dependency is usually overloaded, and a fixed 1 s retry keeps it that way.
  timeout: spec(
    4301,
    'external',
    'timeout',
    'medium',
    'exponential_backoff',
    'Operation timed out',
  ),
  authentication_failed: spec(4401, 'external', 'auth', 'high', 'none', 'Authentication failed'),
} satisfies Partial<Record<ErrorCodeName, ErrorCodeSpec>>;

const codesChannel = channel('foundation:errors:codes-registered');
/** The registry: one per process, shared by every loaded copy (ESM, CJS) of this package. */
interface Registry {
  readonly byName: Map<string, ErrorCode>;
  readonly byNumber: Map<number, ErrorCode>;
}

const { byName, byNumber } = /* @__PURE__ */ processWide<Registry>(
  '@foundation/errors:codes',
  1,
  () => ({ byName: new Map(), byNumber: new Map() }),
);

/** The value {@link defineErrorCodes} returns: each spec, completed with its name. */
export type DefinedErrorCodes<T extends Record<string, ErrorCodeSpec>> = {
  readonly [K in keyof T & string]: ErrorCode & { readonly name: K; readonly code: T[K]['code'] };
};

/**
 * @internal Adds already validated specs to the registry (frozen, with their names), announces
 * them on `foundation:errors:codes-registered` and returns them keyed by name.
 */
export function register<const T extends Record<string, ErrorCodeSpec>>(
  specs: T,
): DefinedErrorCodes<T> {
  const result: Record<string, ErrorCode> = {};
  const codes: ErrorCode[] = [];
  for (const [name, s] of Object.entries(specs)) {
    // Fields are picked one by one so stray properties of the spec never reach the registry.
    const code: ErrorCode = Object.freeze({
      name,
      code: s.code,
      category: s.category,
      subcategory: s.subcategory,
      severity: s.severity,
      retry: s.retry,
      description: s.description,
    });
    byName.set(name, code);
    byNumber.set(code.code, code);
    result[name] = code;
    codes.push(code);
  }
  if (codesChannel.hasSubscribers) codesChannel.publish({ codes });
  return Object.freeze(result) as DefinedErrorCodes<T>;
}

/** The built-in codes (the seed's table), as typed values. */
export const ErrorCodes = register(BUILTIN_SPECS);

/**
 * Looks up a registered code by name or number; undefined when unknown.
 *
 * @param nameOrCode - a code's name (such as `'invalid_input'`) or its number (such as `3204`);
 *   a numeric string is looked up as a name, not as a number
 * @returns the frozen registered code, built-in or added by {@link defineErrorCodes}, or
 *   `undefined` when no code has that name or number
 */
export function getErrorCode(nameOrCode: string | number): ErrorCode | undefined {
  return typeof nameOrCode === 'number' ? byNumber.get(nameOrCode) : byName.get(nameOrCode);
}

/**
 * Every registered code, ordered by number.
 *
 * @returns a new array of the built-in codes and those added by {@link defineErrorCodes},
 *   ascending by number; changing the array does not change the registry
 */
export function listErrorCodes(): ErrorCode[] {
  return [...byNumber.values()].sort((a, b) => a.code - b.code);
}
