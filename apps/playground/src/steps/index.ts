import { configSteps } from './config.js';
import { coreSteps } from './core.js';
import { devtoolsSteps } from './devtools.js';
import { errorsSteps } from './errors.js';
import { eventsSteps } from './events.js';
import { resilienceSteps } from './resilience.js';
import { supervisionSteps } from './supervision.js';
import { telemetrySteps } from './telemetry.js';
import type { StepGroup } from './types.js';

/** Every step group, in the order the workflow runs them. */
export const groups: readonly StepGroup[] = [
  coreSteps,
  errorsSteps,
  configSteps,
  eventsSteps,
  telemetrySteps,
  resilienceSteps,
  supervisionSteps,
  devtoolsSteps,
];
