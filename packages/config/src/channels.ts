/** The diagnostics channels the config store publishes on (zero cost without subscribers). */
import { channel } from 'node:diagnostics_channel';

/** Channel names, for subscribers. */
export const CONFIG_CHANNELS = Object.freeze({
  /** `{ name, version, source, changes }` after an update, updateMany, reset or rollback. */
  updated: 'foundation:config:updated',
  /** `{ name, operation, path, error }` when an update, reload or rollback is refused. */
  rejected: 'foundation:config:rejected',
  /** `{ name, version, changes }` after a reload changed something. */
  reloaded: 'foundation:config:reloaded',
  /** `{ name, error, change }` when a listener threw. */
  listenerFailed: 'foundation:config:listener-failed',
});

/** The channel objects. */
export const channels = {
  updated: channel(CONFIG_CHANNELS.updated),
  rejected: channel(CONFIG_CHANNELS.rejected),
  reloaded: channel(CONFIG_CHANNELS.reloaded),
  listenerFailed: channel(CONFIG_CHANNELS.listenerFailed),
};
