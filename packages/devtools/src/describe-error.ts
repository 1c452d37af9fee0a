import { isFoundationError } from '@foundation/errors';

/**
 * One line for an error: `[code name] message` for a FoundationError, `Name: message` else.
 *
 * @param error - Anything thrown.
 * @returns The one-line description.
 */
export function describeError(error: unknown): string {
  if (isFoundationError(error)) return `[${error.code} ${error.codeName}] ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
