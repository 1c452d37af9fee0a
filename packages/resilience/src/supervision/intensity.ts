import type { RestartRecord } from './types.js';

/**
 * The restart intensity rule, as pure bookkeeping: a restart counts while it is younger than
 * `periodMs` (`now - atMs < periodMs`), and the intensity is exceeded when more than
 * `maxRestarts` restarts count at once. A restart exactly `periodMs` old no longer counts.
 */
export class RestartIntensity {
  readonly #maxRestarts: number;
  readonly #periodMs: number;
  #history: RestartRecord[] = [];

  constructor(maxRestarts: number, periodMs: number) {
    this.#maxRestarts = maxRestarts;
    this.#periodMs = periodMs;
  }

  /** Records a restart; true when it makes the restarts within the period exceed the maximum. */
  record(restart: RestartRecord): boolean {
    this.#prune(restart.atMs);
    this.#history.push(restart);
    return this.#history.length > this.#maxRestarts;
  }

  /** The restarts that count at `nowMs`, oldest first. */
  window(nowMs: number): readonly RestartRecord[] {
    this.#prune(nowMs);
    return [...this.#history];
  }

  /** How many of the counting restarts at `nowMs` were caused by `childId`. */
  countFor(childId: string, nowMs: number): number {
    this.#prune(nowMs);
    return this.#history.filter((r) => r.childId === childId).length;
  }

  /** Forgets every restart (a supervisor that starts afresh). */
  reset(): void {
    this.#history = [];
  }

  #prune(nowMs: number): void {
    const firstCounting = this.#history.findIndex((r) => nowMs - r.atMs < this.#periodMs);
    this.#history = firstCounting < 0 ? [] : this.#history.slice(firstCounting);
  }
}
