import { channel } from 'node:diagnostics_channel';

/**
 * Delivers a service's events to its own listeners and to a diagnostics channel, building each
 * event only when someone listens. A listener that throws is ignored: observers must never
 * break supervision or healing.
 */
export class EventFeed<E> {
  readonly #channel;
  readonly #listeners = new Set<(event: E) => void>();

  constructor(channelName: string) {
    this.#channel = channel(channelName);
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Builds and delivers an event, only when someone listens. */
  emit(build: () => E): void {
    if (!this.#channel.hasSubscribers && this.#listeners.size === 0) return;
    const event = build();
    if (this.#channel.hasSubscribers) this.#channel.publish(event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // Observers must not break the service they observe.
      }
    }
  }
}
