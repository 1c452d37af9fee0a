/** The subscribers of one signal and the one listener that serves them. */
interface Group {
  readonly subscribers: Set<() => void>;
  readonly listener: () => void;
}

/**
 * One abort listener per signal, fanning out to every subscriber. Many calls sharing one
 * caller signal (a request's, a shutdown's) would otherwise each add a listener to it, and an
 * `EventTarget` pays for every listener it holds on each add and remove, which makes a queue
 * of N such calls cost O(N²) and trips Node's `MaxListenersExceededWarning`. Here adding and
 * removing a subscriber is O(1) and the signal holds one listener per fan-out (each policy owns
 * one), removed again when its last subscriber leaves.
 */
export class AbortFanOut {
  readonly #groups = new WeakMap<AbortSignal, Group>();

  /** Calls `onAbort` once when `signal` aborts, unless {@link AbortFanOut.unsubscribe}d first. */
  subscribe(signal: AbortSignal, onAbort: () => void): void {
    let group = this.#groups.get(signal);
    if (group === undefined) {
      const subscribers = new Set<() => void>();
      const listener = (): void => {
        this.#groups.delete(signal);
        // Subscribers usually unsubscribe themselves as they run: iterate a copy.
        for (const subscriber of [...subscribers]) subscriber();
      };
      group = { subscribers, listener };
      this.#groups.set(signal, group);
      signal.addEventListener('abort', listener, { once: true });
    }
    group.subscribers.add(onAbort);
  }

  /** Stops `onAbort` from being called; the last subscriber to leave removes the listener. */
  unsubscribe(signal: AbortSignal, onAbort: () => void): void {
    const group = this.#groups.get(signal);
    if (!group?.subscribers.delete(onAbort)) return;
    if (group.subscribers.size !== 0) return;
    this.#groups.delete(signal);
    signal.removeEventListener('abort', group.listener);
  }
}
