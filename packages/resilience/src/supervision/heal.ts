import type { Service } from '@foundation/core';
import type { HealAction } from './self-healing.js';

/** The part of a supervisor a heal action needs (a {@link Supervisor} has it). */
export interface CrashTarget {
  /** Reports a child as crashed; resolves once the supervisor handled it. */
  reportCrash(id: string, reason?: unknown): Promise<void>;
}

/** Anything that can be reset, such as a circuit breaker. */
export interface Resettable {
  /** Returns it to its initial state. */
  reset(): unknown;
}

/** The common heal actions, for a health check's `heal`. */
export const heal = Object.freeze({
  /**
   * Crashes a supervised child so its supervisor restarts it by its strategy; the restart counts
   * toward the supervisor's intensity, so a child that never recovers escalates.
   */
  restartChild(supervisor: CrashTarget, childId: string): HealAction {
    return ({ error }) => supervisor.reportCrash(childId, error);
  },
  /** Resets something resettable, such as a circuit breaker stuck open. */
  reset(target: Resettable): HealAction {
    return () => target.reset();
  },
  /** Stops a service and starts it again (for a service not under a supervisor). */
  reinitialize(service: Service): HealAction {
    return async ({ signal }) => {
      await service.stop();
      await service.start(signal);
    };
  },
});
