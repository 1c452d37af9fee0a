// The workflow's step types are devtools' workflow-step runner's: one runner for every workflow.
export type { StepContext, StepGroup, WorkflowStep as Step } from '@foundation/devtools';
