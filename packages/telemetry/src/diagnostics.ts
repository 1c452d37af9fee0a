import { channel } from 'node:diagnostics_channel';

/**
 * Telemetry's own diagnostics channels. Publishers build the message only when the channel has
 * subscribers. `bridgeDiagnostics` never subscribes to these, so nothing loops.
 */
export const telemetryChannels = {
  /** `{ handlerId, eventName, error, policy }` when a handler throws. */
  handlerFailed: channel('foundation:telemetry:handler-failed'),
  /** `{ metric, labels }` the first time a metric's label combinations overflow its cap. */
  labelOverflow: channel('foundation:telemetry:label-overflow'),
  /** `{ metric, value, limit }` when the performance monitor sees a threshold crossed. */
  threshold: channel('foundation:telemetry:threshold'),
};
