import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { FoundationError } from '@foundation/errors';

/** Asserts `fn` throws a FoundationError with `code` and returns it. */
export function catchError(fn: () => unknown): FoundationError {
  try {
    fn();
  } catch (error) {
    if (FoundationError.is(error)) return error;
    throw new Error(`expected a FoundationError, got ${String(error)}`);
  }
  throw new Error('expected a throw');
}

/** Awaits a promise that must reject and returns the reason. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Collects what is published on a diagnostics channel while `fn` runs. */
export async function captureChannel(name: string, fn: () => unknown): Promise<unknown[]> {
  const messages: unknown[] = [];
  const listener = (message: unknown): void => {
    messages.push(message);
  };
  subscribe(name, listener);
  try {
    await fn();
  } finally {
    unsubscribe(name, listener);
  }
  return messages;
}

/** Lets pending promise continuations run. */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

export const boom = (): never => {
  throw new Error('boom');
};
