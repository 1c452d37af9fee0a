/**
 * `@foundation/core`: the shared ground every Foundation package stands on — ids, the injected
 * clock, measurement and formatting, `Result`, the shared service interfaces with runtime
 * descriptors, the one service lifecycle (`ServiceLifecycle`) every stateful service uses, and
 * `createFoundation`, which starts and stops services together.
 *
 * @packageDocumentation
 */
export { generateId, generateCorrelationId, idTimestampMs, nextSequence } from './ids.js';
export {
  ManualClock,
  systemClock,
  assertDelayMs,
  abortReason,
  type Clock,
  type ManualClockOptions,
  type Timer,
} from './clock.js';
export { measure, measureAsync, type Measured } from './measure.js';
export { formatBytes, formatDuration } from './format.js';
export {
  all,
  andThen,
  err,
  isResult,
  map,
  mapErr,
  match,
  ok,
  unwrap,
  unwrapOr,
  type Err,
  type Ok,
  type Result,
} from './result.js';
export {
  checkConformance,
  ConfigurableDescriptor,
  HealthReportDescriptor,
  isService,
  SerializerDescriptor,
  ServiceDescriptor,
  type Configurable,
  type ConformanceProblem,
  type HealthReport,
  type HealthStatus,
  type InterfaceDescriptor,
  type MemberDescriptor,
  type Serializer,
  type Service,
} from './interfaces.js';
export {
  createFoundation,
  type ErrorSummary,
  type Foundation,
  type FoundationHealth,
  type FoundationOptions,
  type FoundationStatus,
  type ServiceStatus,
  type ShutdownReport,
} from './lifecycle.js';
export { ServiceLifecycle, type LifecycleHooks, type LifecycleState } from './service-lifecycle.js';
export {
  stopInReverse,
  stopWithin,
  type ReverseStopReport,
  type StopOutcome,
} from './stop-in-reverse.js';
export { HEALTH_SEVERITY, worstHealth } from './health.js';
export { LifecycleError } from './lifecycle-error.js';
export { InvalidInputError } from './invalid-input-error.js';
export { TIMED_OUT, within, type WithinOptions } from './within.js';
export { processWide } from './process-wide.js';
export {
  handleShutdownSignals,
  type GracefulShutdown,
  type GracefulShutdownOptions,
  type GracefulShutdownReport,
  type ShutdownEvent,
  type ShutdownStep,
  type SignalSource,
} from './shutdown-signals.js';
