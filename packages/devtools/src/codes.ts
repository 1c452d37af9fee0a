import { defineErrorCodes, FoundationError } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 7101 */ devtools_not_implemented: true;
    /** 7102 */ devtools_contract_violation: true;
    /** 7103 */ devtools_smoke_failed: true;
  }
}

/**
 * The devtools package's own error codes (71xx). Refused input uses the built-in
 * `invalid_input` (3204), with `path` and `rule` in the context.
 */
export const DevtoolsErrorCodes = defineErrorCodes({
  devtools_not_implemented: {
    code: 7101,
    category: 'system',
    subcategory: 'devtools',
    severity: 'high',
    retry: 'none',
    description: 'A generated member has not been implemented yet',
  },
  devtools_contract_violation: {
    code: 7102,
    category: 'data',
    subcategory: 'devtools',
    severity: 'medium',
    retry: 'none',
    description: 'A value does not implement the contract it claims',
  },
  devtools_smoke_failed: {
    code: 7103,
    category: 'system',
    subcategory: 'devtools',
    severity: 'high',
    retry: 'none',
    description: 'A smoke test failed or timed out',
  },
});

/**
 * The error a generated stub throws: code 7101 (`devtools_not_implemented`) naming the member,
 * so calling a stub fails loudly while the file still compiles.
 *
 * @param member - The member, such as `Greeter.greet`.
 * @returns The error to throw (it is returned, not thrown), with `member` in its context.
 * @example
 * ```ts
 * greet(name: string): string {
 *   throw notImplemented('Greeter.greet');
 * }
 * ```
 */
export function notImplemented(member: string): FoundationError {
  return new FoundationError(
    DevtoolsErrorCodes.devtools_not_implemented,
    `${member} is not implemented`,
    { context: { member } },
  );
}

/**
 * Builds the error for refused input: the path of the bad value and the rule it broke.
 *
 * @param path - The input that was refused, such as `--out` or `tests[2].run`.
 * @param rule - The rule it broke, for people.
 * @param context - More context for the error.
 * @returns The `invalid_input` (3204) error, with `path` and `rule` in its context (returned, not thrown).
 */
export function inputError(
  path: string,
  rule: string,
  context: Readonly<Record<string, unknown>> = {},
): FoundationError {
  return new FoundationError('invalid_input', `${path}: ${rule}`, {
    context: { ...context, path, rule },
  });
}
