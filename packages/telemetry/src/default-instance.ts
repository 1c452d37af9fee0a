import { Telemetry } from './telemetry.js';

/**
 * The process-wide telemetry instance the module-level functions (`execute`, `attach`, …) and
 * the helpers use unless given another one.
 */
export const defaultTelemetry: Telemetry = new Telemetry();
