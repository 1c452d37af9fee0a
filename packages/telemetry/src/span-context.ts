import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventName } from './event-name.js';

/** The span the current async flow runs in, as {@link currentSpan} returns it. */
export interface SpanInfo {
  /** This span's id (a UUIDv7). */
  readonly spanId: string;
  /** The enclosing span's id, when this span runs inside another. */
  readonly parentSpanId: string | undefined;
  /** The span's event name (without the `start` / `stop` / `exception` suffix). */
  readonly eventName: EventName;
}

/** @internal The storage that carries spans through async calls. */
export const spanStorage = new AsyncLocalStorage<SpanInfo>();

/**
 * The innermost span of the current async flow, or undefined outside any span.
 *
 * @returns the span's id, its parent's id and its event name, or `undefined` when the code does
 *   not run inside a span (`span`, `measureEvent` or an instrumented function)
 */
export function currentSpan(): SpanInfo | undefined {
  return spanStorage.getStore();
}
