import type { QualityReport } from '../model.js';

/**
 * The JSON report: the {@link QualityReport} as indented JSON with a trailing newline. Its
 * schema is `foundation-quality-report`, version {@link REPORT_SCHEMA_VERSION} (see the README).
 *
 * @param report - the report to render
 * @returns the JSON text
 */
export function renderJson(report: QualityReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
