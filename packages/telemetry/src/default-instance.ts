import { processWide } from '@foundation/core';
import { Telemetry } from './telemetry.js';

/**
 * The process-wide telemetry instance the module-level functions (`execute`, `attach`, …) and
 * the helpers use unless given another one. One per process: kept on `globalThis` under
 * `Symbol.for('@foundation/telemetry:default')`, so the ESM and CJS builds loaded together
 * share its handlers and metrics. A copy of another shape version keeps its own.
 */
export const defaultTelemetry: Telemetry = processWide(
  '@foundation/telemetry:default',
  1,
  () => new Telemetry(),
);
