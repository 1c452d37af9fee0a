import { channel } from 'node:diagnostics_channel';

/** The names of the diagnostics channels this package publishes on. */
export const EVENTS_CHANNELS = Object.freeze({
  /** `{ store, events }` after events were stored. */
  appended: 'foundation:events:appended',
  /** `{ store, reason, count, bytes }` after events were dropped. */
  pruned: 'foundation:events:pruned',
  /** `{ store, error, event }` when a subscriber's listener throws. */
  listenerFailed: 'foundation:events:listener-failed',
});

/** @internal */
export const appendedChannel = channel(EVENTS_CHANNELS.appended);
/** @internal */
export const prunedChannel = channel(EVENTS_CHANNELS.pruned);
/** @internal */
export const listenerFailedChannel = channel(EVENTS_CHANNELS.listenerFailed);
