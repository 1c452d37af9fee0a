import type { QualityReport } from '../src/index.js';

/** A report with one gate of each status, hostile text and both kinds of chart. */
export const SAMPLE_REPORT: QualityReport = {
  schema: 'foundation-quality-report',
  schemaVersion: 1,
  rootDir: '/repo',
  startedAt: '2026-01-02T03:04:05.000Z',
  durationMs: 65_400,
  verdict: 'failed',
  summary: { passed: 1, failed: 1, skipped: 1 },
  gates: [
    {
      name: 'coverage',
      status: 'passed',
      threshold: '>= 95% lines',
      measured: 'lowest 96.5% (lines in @x/a)',
      value: 96.5,
      durationMs: 120,
      evidence: [{ message: 'least covered: 96.5% lines', file: 'packages/a/src/a.ts' }],
      charts: [
        {
          title: 'Coverage per package',
          unit: '%',
          limit: 95,
          bars: [{ label: '@x/a', value: 96.5, ok: true }],
        },
      ],
    },
    {
      name: 'api',
      status: 'failed',
      threshold: 'no API change without a changeset',
      measured: '1 of 1 changed | 1 <unexplained>',
      value: 1,
      reason: '1 API change without a changeset',
      durationMs: 2500,
      evidence: [
        {
          message: '@x/a: the public API changed <script>alert(1)</script>',
          file: 'quality/api/a.api.md',
          line: 3,
          excerpt:
            '--- a.api.md\n+++ a.api.md\n@@ -1 +1 @@\n-export function a(): void;\n+export function a(x: `tick`): void;',
        },
        { message: 'second * item _with_ markdown', symbol: 'sym' },
      ],
    },
    {
      name: 'performance',
      status: 'skipped',
      threshold: 'no case slower by more than 5%',
      measured: 'no baseline',
      reason: 'registry did not answer',
      durationMs: 10,
      evidence: [{ message: 'plain' }],
      charts: [
        {
          title: 'Benchmark change',
          unit: '%',
          limit: 5,
          bars: [
            { label: 's / fast', value: -3.2, low: -5, high: -1, ok: true },
            { label: 's / slow & "heavy"', value: 11, low: 7, high: 14, ok: false },
          ],
        },
      ],
    },
  ],
};
