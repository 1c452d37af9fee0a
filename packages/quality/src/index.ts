/**
 * `@foundation/quality`: production-readiness gates that measure for real and show their
 * evidence (coverage, types, lint, docs, performance, dependencies, secrets, public API), the
 * multi-level test strategy, and console, JSON, Markdown and HTML reports.
 *
 * Diagnostics channels: `foundation:quality:gate-started` ({ gate }),
 * `foundation:quality:gate-finished` ({ result }), `foundation:quality:level-finished`
 * ({ result }).
 *
 * @packageDocumentation
 */
export { QUALITY_CHANNELS } from './channels.js';
export { QualityErrors, type QualityErrorName } from './errors.js';
export {
  REPORT_SCHEMA_VERSION,
  type Chart,
  type ChartBar,
  type Evidence,
  type Gate,
  type GateContext,
  type GateOutcome,
  type GateResult,
  type GateStatus,
  type QualityReport,
} from './model.js';
export {
  defineQualityConfig,
  type ApiGateConfig,
  type CoverageGateConfig,
  type CoverageMetric,
  type DependenciesGateConfig,
  type DocsGateConfig,
  type GatesConfig,
  type LevelConfig,
  type LintGateConfig,
  type PerformanceGateConfig,
  type QualityConfig,
  type SecretsGateConfig,
  type TypesGateConfig,
} from './config/types.js';
export { CONFIG_FILE_NAMES, loadQualityConfig, type LoadedConfig } from './config/load.js';
export {
  BUILT_IN_GATES,
  runGates,
  type BuiltInGateName,
  type GateProgress,
  type RunGatesOptions,
} from './runner.js';
export { runLevels, type LevelResult, type LevelsReport, type RunLevelsOptions } from './levels.js';
export { recordBaseline, type RecordBaselineOptions } from './baseline.js';
export type { Baseline, BenchSuiteResult } from './bench-results.js';
export { compareSamples, median, type CompareOptions, type Comparison } from './stats.js';
export { LINT_WEIGHTS, lintScore, type LintCounts } from './score.js';
export { renderConsole, renderLevelsConsole, type ConsoleOptions } from './reports/console.js';
export { renderJson } from './reports/json.js';
export { renderMarkdown } from './reports/markdown.js';
export { renderHtml } from './reports/html.js';
export { renderChartSvg } from './reports/svg.js';
export { REPORT_FORMATS, writeReports, type ReportFormat } from './reports/write.js';
export { runCli, USAGE, type CliIo } from './cli-main.js';
