import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

/** The kinds of garbage-collection pause Node reports. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb' | 'other';

/** Memory figures, in bytes. */
export interface MemoryReading {
  /** Resident set size of the process. */
  readonly rss: number;
  /** V8 heap reserved. */
  readonly heapTotal: number;
  /** V8 heap in use. */
  readonly heapUsed: number;
  /** Memory of C++ objects bound to JavaScript objects. */
  readonly external: number;
  /** Memory of ArrayBuffers and SharedArrayBuffers (part of `external`). */
  readonly arrayBuffers: number;
}

/** Event-loop figures over one sampling window. */
export interface EventLoopReading {
  /** Median delay of the loop, milliseconds. */
  readonly delayP50Ms: number;
  /** 99th percentile delay, milliseconds. */
  readonly delayP99Ms: number;
  /** Largest delay, milliseconds. */
  readonly delayMaxMs: number;
  /** Share of the window the loop was busy, 0 to 1. */
  readonly utilization: number;
}

/** Measures the event loop from `start` on; each `read` covers the time since the last one. */
export interface EventLoopProbe {
  /** Figures since the previous read (or the start). */
  read(): EventLoopReading;
  /** Stops measuring. */
  stop(): void;
}

/** Where the performance monitor gets its figures. Tests replace parts of it. */
export interface ProcessProbe {
  /** The process's memory now. */
  memoryUsage(): MemoryReading;
  /** The types of the resources keeping the event loop alive (`process.getActiveResourcesInfo`). */
  activeResources(): readonly string[];
  /** Starts measuring the event loop. */
  startEventLoop(): EventLoopProbe;
  /** Reports every GC pause to `onPause` until the returned function is called. */
  watchGc(onPause: (kind: GcKind, durationMs: number) => void): () => void;
}

const GC_KINDS: Readonly<Record<number, GcKind>> = {
  1: 'minor',
  2: 'major',
  4: 'incremental',
  8: 'weakcb',
};

// An empty window gives 0/0; report it as idle.
function finiteOrZero(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function nodeEventLoop(): EventLoopProbe {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let lastUtilization = performance.eventLoopUtilization();
  return {
    read: () => {
      const empty = delay.count === 0;
      const reading: EventLoopReading = {
        delayP50Ms: empty ? 0 : delay.percentile(50) / 1e6,
        delayP99Ms: empty ? 0 : delay.percentile(99) / 1e6,
        delayMaxMs: empty ? 0 : delay.max / 1e6,
        utilization: finiteOrZero(performance.eventLoopUtilization(lastUtilization).utilization),
      };
      delay.reset();
      lastUtilization = performance.eventLoopUtilization();
      return reading;
    },
    stop: () => {
      delay.disable();
    },
  };
}

function nodeGc(onPause: (kind: GcKind, durationMs: number) => void): () => void {
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      onPause((kind === undefined ? undefined : GC_KINDS[kind]) ?? 'other', entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
  };
}

/** The probe that reads the real process: perf_hooks, `process.memoryUsage()` and friends. */
export const nodeProcessProbe: ProcessProbe = Object.freeze({
  memoryUsage: () => process.memoryUsage(),
  activeResources: () => process.getActiveResourcesInfo(),
  startEventLoop: nodeEventLoop,
  watchGc: nodeGc,
});
