/**
 * `@foundation/devtools`: the `foundation-dev` CLI (also runnable in process with `runCli`) and its
 * library — smoke tests,
 * contract compliance on core's descriptors, and the workflow-step runner.
 *
 * Diagnostics channels: `foundation:devtools:smoke-result` ({ result }) after each smoke test.
 *
 * @packageDocumentation
 */
export { DevtoolsErrorCodes, notImplemented } from './codes.js';
export {
  runSmokeTests,
  skipSmokeTest,
  type SmokeOptions,
  type SmokeReport,
  type SmokeResult,
  type SmokeSkip,
  type SmokeStatus,
  type SmokeTest,
  type SmokeTestContext,
} from './smoke.js';
export {
  foundationSmokeTests,
  type EventRoundTrip,
  type FoundationSmokeParts,
} from './foundation-smoke.js';
export {
  assertCompliance,
  checkCompliance,
  type ComplianceProblem,
  type ComplianceReport,
  type ComplianceRule,
  type ContractDescriptor,
  type ContractMember,
} from './compliance.js';
export {
  formatWorkflowSummary,
  runWorkflow,
  type StepContext,
  type StepGroup,
  type StepOutcome,
  type WorkflowOptions,
  type WorkflowReport,
  type WorkflowStep,
} from './workflow.js';
export { runCli } from './cli/main.js';
export type { CliIo } from './cli/io.js';
