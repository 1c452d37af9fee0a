// Keeps the process alive while some caller awaits a policy's timer. The policies' timers come
// from the injected Clock, whose timers never hold the process (background work must not), so
// an awaited wait (a timeout on a call that holds nothing itself, a queued acquire, a bulkhead
// queue deadline) would let Node exit with code 13 underneath its caller. One ref'd handle
// serves every holder: taking and releasing it is a counter and a ref()/unref() toggle.

const noop = (): void => undefined;
let handle: NodeJS.Timeout | undefined;
let holders = 0;

/** Keeps the process alive until the matching {@link releaseProcess}. */
export function holdProcess(): void {
  if (holders++ !== 0) return;
  // The interval never does anything: it exists only to be ref'd. 2^31 - 1 ms is the longest
  // period Node accepts.
  handle ??= setInterval(noop, 2 ** 31 - 1);
  handle.ref();
}

/** Releases one {@link holdProcess}; the last release lets the process exit again. */
export function releaseProcess(): void {
  if (holders === 0) return;
  if (--holders === 0) handle!.unref();
}
