import type { Evidence } from '../model.js';

/** Milliseconds as a person reads them (`850 ms`, `12.3 s`, `2 min 5 s`). */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Where a piece of evidence was found (`file:line`, or the symbol). */
export function evidenceLocation(evidence: Evidence): string {
  if (evidence.file === undefined) return evidence.symbol ?? '';
  return evidence.line === undefined ? evidence.file : `${evidence.file}:${evidence.line}`;
}
