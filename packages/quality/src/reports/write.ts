import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { qualityError } from '../errors.js';
import type { QualityReport } from '../model.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';

/** The report formats the CLI can write. */
export const REPORT_FORMATS = ['console', 'json', 'md', 'html'] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const FILE_NAMES: Record<Exclude<ReportFormat, 'console'>, string> = {
  json: 'quality-report.json',
  md: 'quality-report.md',
  html: 'quality-report.html',
};

/**
 * Checks a list of report formats.
 *
 * @throws FoundationError 8101 (`quality_config_invalid`) naming an unknown format
 */
export function parseReportFormats(list: string): ReportFormat[] {
  const formats = list
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const format of formats) {
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw qualityError(
        'quality_config_invalid',
        `--report: unknown format '${format}'`,
        `Use a comma-separated list of ${REPORT_FORMATS.join(', ')}`,
        {
          path: 'report',
          format,
        },
      );
    }
  }
  return formats as ReportFormat[];
}

/**
 * Writes the file reports into `outDir` (console is the caller's to print). Every report is
 * rendered before any is written, and each file is renamed into place, so a failure never
 * leaves a half-written report.
 *
 * @param report - the report
 * @param formats - the formats wanted
 * @param outDir - the directory (created when missing)
 * @returns the files written
 */
export async function writeReports(
  report: QualityReport,
  formats: readonly ReportFormat[],
  outDir: string,
): Promise<string[]> {
  const rendered: [string, string][] = [];
  for (const format of formats) {
    if (format === 'console') continue;
    const text =
      format === 'json'
        ? renderJson(report)
        : format === 'md'
          ? renderMarkdown(report)
          : renderHtml(report);
    rendered.push([join(resolve(outDir), FILE_NAMES[format]), text]);
  }
  if (rendered.length === 0) return [];
  await mkdir(resolve(outDir), { recursive: true });
  for (const [file, text] of rendered) {
    await writeFile(`${file}.tmp`, text);
    await rename(`${file}.tmp`, file);
  }
  return rendered.map(([file]) => file);
}
