import { channel } from 'node:diagnostics_channel';

/** The names of the diagnostics channels this package publishes on. */
export const QUALITY_CHANNELS = Object.freeze({
  /** `{ gate }` when a gate starts. */
  gateStarted: 'foundation:quality:gate-started',
  /** `{ result }` when a gate finishes (a `GateResult`). */
  gateFinished: 'foundation:quality:gate-finished',
  /** `{ result }` when a test level finishes (a `LevelResult`). */
  levelFinished: 'foundation:quality:level-finished',
});

/** @internal */
export const gateStartedChannel = channel(QUALITY_CHANNELS.gateStarted);
/** @internal */
export const gateFinishedChannel = channel(QUALITY_CHANNELS.gateFinished);
/** @internal */
export const levelFinishedChannel = channel(QUALITY_CHANNELS.levelFinished);
