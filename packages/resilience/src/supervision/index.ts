/**
 * `@foundation/resilience/supervision`: OTP-style supervisors and periodic health checks that
 * heal, a unit of its own (it uses nothing else of the package but the `Backoff` type). The root
 * entry re-exports all of it.
 *
 * Diagnostics channels: `foundation:resilience:supervisor`, `foundation:resilience:self-healing`.
 * Error codes 5201-5206 (`SupervisionErrors`).
 *
 * @packageDocumentation
 */
export { Supervisor } from './supervisor.js';
export {
  SelfHealing,
  type CheckResult,
  type CheckState,
  type HealAction,
  type HealContext,
  type HealthCheckSpec,
  type SelfHealingEvent,
  type SelfHealingOptions,
} from './self-healing.js';
export type { CheckStatus, CheckCounters } from './check-state.js';
export { heal, type CrashTarget, type Resettable } from './heal.js';
export { SupervisionErrors, type SupervisionErrorCodes } from './errors.js';
export type { Backoff } from '../backoff.js';
export type {
  ChildContext,
  ChildCounts,
  ChildExit,
  ChildExitKind,
  ChildHealthPoll,
  ChildInfo,
  ChildSpec,
  ChildSpecBase,
  ChildState,
  CrashReporter,
  // Kept exported (deprecated) so code naming the old backoff type still compiles.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  RestartBackoff,
  RestartRecord,
  RestartType,
  ServiceChildSpec,
  StartChildSpec,
  Stoppable,
  SupervisorEvent,
  SupervisorOptions,
  SupervisorStrategy,
} from './types.js';
