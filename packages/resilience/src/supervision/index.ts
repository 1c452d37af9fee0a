// Supervision and self-healing: OTP-style supervisors and periodic health checks that heal.
// Diagnostics channels: `foundation:resilience:supervisor`, `foundation:resilience:self-healing`.
// Error codes 5201-5206 (SupervisionErrors).
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
