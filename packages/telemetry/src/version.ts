// Replaced at build time (tsup `define`) and in tests (vitest `define`) by package.json's version.
declare const __FOUNDATION_TELEMETRY_VERSION__: string | undefined;

/**
 * This package's version, as the OpenTelemetry instrumentation scope carries it. Built in by
 * the build; `0.0.0-source` only when the TypeScript sources run unbuilt (tsx scripts).
 */
export const TELEMETRY_VERSION: string =
  typeof __FOUNDATION_TELEMETRY_VERSION__ === 'string'
    ? __FOUNDATION_TELEMETRY_VERSION__
    : '0.0.0-source';
