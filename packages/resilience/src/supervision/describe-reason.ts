import { safeStringify } from '@foundation/errors';

/** A short, printable summary of any failure reason. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (reason === undefined) return 'no reason given';
  if (typeof reason === 'string') return reason;
  return safeStringify(reason);
}
