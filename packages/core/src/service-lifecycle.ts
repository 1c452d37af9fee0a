import { abortReason } from './clock.js';
import { LifecycleError } from './lifecycle-error.js';

/** Where a service (or the whole foundation) is in its lifecycle. */
export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** What a {@link ServiceLifecycle} runs to start and stop the service it drives. */
export interface LifecycleHooks {
  /**
   * Brings the service up. `signal` aborts when `stop()` is called or the caller's signal
   * aborts: a start that waits must give up then. Throwing (or rejecting) means the start
   * failed, and the hook must leave nothing running behind it (roll back what it built).
   */
  start(signal: AbortSignal): Promise<void> | void;
  /**
   * Brings the service down and releases what it holds. Runs once per `stop()` of a service
   * that was starting or running (after the start it follows has settled), and once per
   * `fail()`.
   */
  stop(): Promise<void> | void;
  /**
   * What a start called off settles with: a `stop()` came after `start()` was asked for and
   * before the start hook ran, so the hook never runs. Return to resolve the start, throw to
   * reject it. Without it the start rejects with a 2101 {@link LifecycleError}.
   */
  calledOff?(): void;
}

/**
 * The one start/stop state machine every stateful Foundation service uses, so the races are
 * handled once:
 *
 * - start and stop are serialised through one queue (with whatever else the service queues by
 *   {@link ServiceLifecycle.serialize}, such as a supervisor's mailbox);
 * - `start()` while starting or running shares the start in progress; `stop()` while stopping
 *   shares the stop in progress;
 * - `stop()` aborts the start in progress (its hook's signal), and a later `stop()` calls off a
 *   start still queued behind an earlier stop;
 * - the caller's `AbortSignal` aborts the start: what was built is stopped and the start rejects
 *   with the signal's reason (an already-aborted signal changes nothing);
 * - `fail(reason)` is the service failing on its own (a supervisor's escalation): it stops like
 *   `stop()` but ends `failed`, unless a `stop()` comes meanwhile, which wins.
 *
 * It runs no timer and allocates nothing per call beyond the promises it returns.
 *
 * @example
 * ```ts
 * class Poller implements Service {
 *   readonly name = 'poller';
 *   readonly #lifecycle = new ServiceLifecycle('poller', {
 *     start: (signal) => this.#connect(signal),
 *     stop: () => this.#disconnect(),
 *   });
 *   start(signal?: AbortSignal) { return this.#lifecycle.start(signal); }
 *   stop() { return this.#lifecycle.stop(); }
 *   health() { return { status: this.#lifecycle.state === 'running' ? 'healthy' : 'unhealthy' } as const; }
 * }
 * ```
 */
export class ServiceLifecycle {
  /** The service's name, used in the errors this lifecycle makes. */
  readonly name: string;
  readonly #hooks: LifecycleHooks;
  #state: LifecycleState = 'idle';
  #failure: unknown;
  #run = new AbortController();
  #queue: Promise<unknown> = Promise.resolve();
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  // Bumped by every stop() and fail(), so a start queued behind a stop knows a later stop
  // called it off, and a failure knows a stop overtook it.
  #stops = 0;

  /**
   * Creates a lifecycle in the `idle` state; nothing runs until {@link ServiceLifecycle.start}.
   *
   * @param name - the service's name, for error messages
   * @param hooks - the start and stop work of the service, and optionally how a called-off
   *   start settles
   */
  constructor(name: string, hooks: LifecycleHooks) {
    this.name = name;
    this.#hooks = hooks;
  }

  /** Where the service is: `idle` before its first start, `failed` after a failed start or `fail()`. */
  get state(): LifecycleState {
    return this.#state;
  }

  /** What made the service `failed` (the start hook's error, or `fail()`'s reason); undefined otherwise. */
  get failure(): unknown {
    return this.#state === 'failed' ? this.#failure : undefined;
  }

  /**
   * The signal of the current run: it aborts when the service stops, fails, or its start is
   * aborted. Background work started while running should stop when it aborts.
   */
  get signal(): AbortSignal {
    return this.#run.signal;
  }

  /**
   * Starts the service: runs the start hook once the operations queued before it are done.
   * Running already: resolves at once. Starting already: the same promise. A stop in progress
   * is awaited first (and a `stop()` meanwhile calls this start off). A stopped or failed
   * service starts afresh.
   *
   * @param signal - aborts the start: what was built is stopped and the start rejects with the
   *   signal's reason; an already-aborted signal rejects at once and changes nothing. It is the
   *   signal of the call that begins a start; calls that join it share its outcome.
   * @returns a promise that resolves once the service runs
   * @throws whatever the start hook throws (the state is then `failed`), the signal's reason,
   *   or, for a start called off by a later stop, what `calledOff` throws (default: a 2101
   *   {@link LifecycleError}).
   */
  start(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.#starting) return this.#starting;
    if (this.#state === 'running') return Promise.resolve();
    const stops = this.#stops;
    const afterStop = this.#stopping !== undefined;
    // Without a stop in progress the state is 'starting' before start() returns, so a stop()
    // right after it is not lost.
    if (!afterStop) this.#begin();
    const starting = this.serialize(() => this.#start(signal, stops, afterStop)).finally(() => {
      if (this.#starting === starting) this.#starting = undefined;
    });
    this.#starting = starting;
    return starting;
  }

  /**
   * Stops the service: aborts the run's signal at once (cutting a start in progress short),
   * then runs the stop hook once the operations queued before it are done. A stop in progress
   * (or a `fail()` stopping the service) is shared. A failed service runs its stop hook too
   * (to release what the failure left behind) and ends `stopped`; an idle or stopped one just
   * ends `stopped`. A start queued behind an earlier stop is called off.
   *
   * @returns a promise that resolves once the stop hook has finished (the state is `stopped`)
   */
  stop(): Promise<void> {
    this.#stops++;
    // A start this stop cuts short (or calls off) is over: a later start() begins afresh.
    this.#starting = undefined;
    if (this.#stopping) return this.#stopping;
    if (this.#state === 'idle' || this.#state === 'stopped') {
      this.#state = 'stopped';
      return Promise.resolve();
    }
    // A failed service is stopped too: its hook releases what the failure left behind.
    this.#state = 'stopping';
    this.#run.abort(new Error(`${this.name} is stopping`));
    const stopping = this.serialize(() => this.#stopHook()).finally(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    this.#stopping = stopping;
    return stopping;
  }

  /**
   * The running service failed on its own (a supervisor's escalation): aborts the run, runs the
   * stop hook now (not queued, so it may be called from inside a serialized operation) and
   * ends `failed` with `reason` as the failure. A `stop()` that comes meanwhile shares this
   * stop and wins: the service then ends `stopped`. Does nothing unless the service runs.
   *
   * @param reason - why the service failed; the run's abort reason and the `failure`
   * @returns a promise of true when the service ended `failed` (so the failure should be
   *   reported), false when it was not running or a stop overtook the failure
   */
  async fail(reason: unknown): Promise<boolean> {
    if (this.#state !== 'running') return false;
    this.#run.abort(reason);
    let failed = false;
    await this.#stopDirect((overtaken) => {
      failed = !overtaken;
      this.#failure = failed ? reason : undefined;
      return failed ? 'failed' : 'stopped';
    });
    return failed;
  }

  /**
   * Runs `op` after every start, stop and operation queued before it, one at a time (a
   * service's mailbox). An operation that waits on this queue from inside it waits on itself.
   *
   * @param op - the operation; its result or error is what the returned promise settles with
   * @returns a promise of `op`'s result
   */
  serialize<T>(op: () => T | PromiseLike<T>): Promise<T> {
    const result = this.#queue.then(op);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  #begin(): void {
    this.#state = 'starting';
    this.#failure = undefined;
    this.#run = new AbortController();
  }

  async #start(signal: AbortSignal | undefined, stops: number, afterStop: boolean): Promise<void> {
    // A failure's stop runs outside the queue: a start asked for meanwhile waits for it too.
    if (this.#stopping && this.#stops === stops) await this.#stopping;
    if (this.#stops !== stops) {
      if (this.#hooks.calledOff) {
        this.#hooks.calledOff();
        return;
      }
      throw new LifecycleError(2101, `${this.name} was stopped before it started`, {
        service: this.name,
      });
    }
    if (afterStop) this.#begin();
    const run = this.#run;
    const forward = (): void => {
      run.abort(signal!.reason);
    };
    signal?.addEventListener('abort', forward, { once: true });
    try {
      await this.#hooks.start(run.signal);
    } catch (error) {
      // A stop() that came meanwhile stands: it ends the service 'stopped'.
      if (this.#state === 'starting') {
        this.#state = 'failed';
        this.#failure = error;
      }
      throw error;
    } finally {
      signal?.removeEventListener('abort', forward);
    }
    // A stop() that came while the hook finished stops what it built, after this.
    if (this.#state !== 'starting') return;
    if (run.signal.aborted) {
      // The caller's signal aborted: undo the start (we are inside the queue already).
      await this.#stopDirect(() => 'stopped');
      throw abortReason(run.signal);
    }
    this.#state = 'running';
  }

  async #stopHook(): Promise<void> {
    try {
      await this.#hooks.stop();
    } finally {
      this.#state = 'stopped';
    }
  }

  /**
   * Runs the stop hook now, not queued (for a failure, or an aborted start already inside the
   * queue). The stop is in progress before the hook runs, so a stop() meanwhile (even from
   * inside the hook) shares it; `end` names the final state, told whether a stop() came.
   */
  async #stopDirect(end: (overtaken: boolean) => LifecycleState): Promise<void> {
    const stops = this.#stops;
    this.#state = 'stopping';
    let release!: () => void;
    const stopping = new Promise<void>((resolve) => (release = resolve));
    this.#stopping = stopping;
    try {
      await this.#hooks.stop();
    } finally {
      this.#state = end(this.#stops !== stops);
      if (this.#stopping === stopping) this.#stopping = undefined;
      release();
    }
  }
}
