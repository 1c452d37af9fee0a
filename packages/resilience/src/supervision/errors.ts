import { defineErrorCodes, type ErrorCode } from '@foundation/errors';

/** The registered supervision error codes, by name (see {@link SupervisionErrors}). */
export interface SupervisionErrorCodes {
  /** 5201: the restart intensity was exceeded; children stopped, failure escalated. */
  readonly supervisor_escalated: ErrorCode;
  /** 5202: a supervised child failed to start. */
  readonly child_start_failed: ErrorCode;
  /** 5203: a child did not stop within its stop timeout and was abandoned. */
  readonly child_stop_timeout: ErrorCode;
  /** 5204: an invalid supervisor, child or health check specification. */
  readonly invalid_supervisor_spec: ErrorCode;
  /** 5205: a health check failed or timed out. */
  readonly health_check_failed: ErrorCode;
  /** 5206: a heal action failed or timed out. */
  readonly heal_action_failed: ErrorCode;
}

/**
 * The error codes of supervision and self-healing (the 52xx range of `@foundation/resilience`).
 * Pass them to `new FoundationError(SupervisionErrors.x, ...)`, or match on `error.codeName`.
 */
export const SupervisionErrors: SupervisionErrorCodes = defineErrorCodes({
  supervisor_escalated: {
    code: 5201,
    category: 'system',
    subcategory: 'supervision',
    severity: 'critical',
    retry: 'none',
    description: 'Supervisor restart intensity exceeded: children stopped and failure escalated',
  },
  child_start_failed: {
    code: 5202,
    category: 'system',
    subcategory: 'supervision',
    severity: 'high',
    retry: 'fixed_delay',
    description: 'Supervised child failed to start',
  },
  child_stop_timeout: {
    code: 5203,
    category: 'system',
    subcategory: 'supervision',
    severity: 'medium',
    retry: 'none',
    description: 'Supervised child did not stop within its stop timeout and was abandoned',
  },
  invalid_supervisor_spec: {
    code: 5204,
    category: 'config',
    subcategory: 'supervision',
    severity: 'high',
    retry: 'none',
    description: 'Invalid supervisor, child or health check specification',
  },
  health_check_failed: {
    code: 5205,
    category: 'system',
    subcategory: 'health',
    severity: 'medium',
    retry: 'none',
    description: 'Health check failed or timed out',
  },
  heal_action_failed: {
    code: 5206,
    category: 'system',
    subcategory: 'health',
    severity: 'high',
    retry: 'none',
    description: 'Heal action failed',
  },
});

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 5201 */ supervisor_escalated: true;
    /** 5202 */ child_start_failed: true;
    /** 5203 */ child_stop_timeout: true;
    /** 5204 */ invalid_supervisor_spec: true;
    /** 5205 */ health_check_failed: true;
    /** 5206 */ heal_action_failed: true;
  }
}
