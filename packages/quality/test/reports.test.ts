import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderChartSvg,
  renderConsole,
  renderHtml,
  renderJson,
  renderLevelsConsole,
  renderMarkdown,
  REPORT_FORMATS,
  writeReports,
  type QualityReport,
} from '../src/index.js';
import { SAMPLE_REPORT } from './sample-report.js';

describe('renderConsole', () => {
  it('prints the table, the evidence of gates that did not pass and the verdict, without colour by default', () => {
    const text = renderConsole(SAMPLE_REPORT);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^gate\s+status\s+measured\s+threshold\s+time$/);
    expect(lines[1]).toMatch(
      /^coverage\s+PASS\s+lowest 96\.5% \(lines in @x\/a\)\s+>= 95% lines\s+120 ms$/,
    );
    expect(lines[2]).toMatch(/^api\s+FAIL\s+/);
    expect(lines[3]).toMatch(/^performance\s+SKIP\s+.*10 ms$/);
    expect(text).toContain('api: 1 API change without a changeset');
    expect(text).toContain('  - quality/api/a.api.md:3: @x/a: the public API changed');
    expect(text).toContain('      +export function a(x: `tick`): void;');
    expect(text).toContain('  - sym: second * item _with_ markdown');
    expect(lines.at(-1)).toBe(
      'FAILED: 1 passed, 1 failed, 1 skipped (skipped gates are not counted as passed) in 1 min 5 s',
    );
    expect(text).not.toContain('\u001b[');
    expect(text).not.toContain('least covered');
  });

  it('colours statuses on a terminal and limits evidence', () => {
    const text = renderConsole(SAMPLE_REPORT, { color: true, evidenceLines: 1 });
    expect(text).toContain('\u001b[31mFAIL\u001b[0m');
    expect(text).toContain('\u001b[32mPASS\u001b[0m');
    expect(text).toContain('\u001b[33mSKIP\u001b[0m');
    expect(text).toContain('  ... 1 more (see the JSON report)');
    const passed: QualityReport = {
      ...SAMPLE_REPORT,
      verdict: 'passed',
      summary: { passed: 1, failed: 0, skipped: 0 },
      gates: [SAMPLE_REPORT.gates[0]!],
    };
    expect(renderConsole(passed).split('\n').at(-1)).toBe(
      'PASSED: 1 passed, 0 failed, 0 skipped in 1 min 5 s',
    );
  });

  it('prints a levels summary with the failing output', () => {
    const text = renderLevelsConsole(
      {
        verdict: 'failed',
        durationMs: 1500,
        levels: [
          { name: 'unit', command: 'vitest run', status: 'passed', exitCode: 0, durationMs: 1000 },
          {
            name: 'chaos',
            command: 'node chaos.mjs',
            status: 'failed',
            exitCode: 1,
            durationMs: 500,
            outputTail: 'boom',
          },
          { name: 'perf', command: 'pnpm bench', status: 'skipped', exitCode: null, durationMs: 0 },
        ],
      },
      { color: true },
    );
    expect(text).toContain('chaos failed (exit 1):');
    expect(text).toContain('  boom');
    expect(text).toContain('\u001b[33mSKIP\u001b[0m');
    expect(text.split('\n').at(-1)).toBe(
      '\u001b[31mFAILED\u001b[0m: 1 passed, 1 failed, 1 skipped in 1.5 s',
    );
  });
});

describe('renderJson', () => {
  it('round-trips the report with its schema and version', () => {
    const text = renderJson(SAMPLE_REPORT);
    expect(text.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(text) as QualityReport;
    expect(parsed).toEqual(SAMPLE_REPORT);
    expect(parsed.schema).toBe('foundation-quality-report');
    expect(parsed.schemaVersion).toBe(1);
  });
});

describe('renderMarkdown', () => {
  it('renders a table row per gate with cells escaped, and evidence of failed and skipped gates', () => {
    const md = renderMarkdown(SAMPLE_REPORT);
    expect(md.startsWith('## Quality gates: ❌ failed\n')).toBe(true);
    expect(md).toContain(
      '| api | ❌ fail | 1 of 1 changed \\| 1 <unexplained> | no API change without a changeset | 2.5 s |',
    );
    expect(md).toContain('| performance | ⚠️ skipped |');
    expect(md).toContain('<details><summary>api: 1 API change without a changeset</summary>');
    expect(md).toContain(
      '- `quality/api/a.api.md:3` @x/a: the public API changed \\<script\\>alert(1)\\</script\\>',
    );
    expect(md).toContain('```diff\n--- a.api.md');
    expect(md).toContain('- `sym` second \\* item \\_with\\_ markdown');
    expect(md).not.toContain('least covered');
  });

  it('keeps every table row on one line and limits evidence', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, measured) => {
        const report: QualityReport = {
          ...SAMPLE_REPORT,
          gates: [{ ...SAMPLE_REPORT.gates[0]!, name, measured }],
        };
        const rows = renderMarkdown(report)
          .split('\n')
          .filter((l) => l.startsWith('| ') && !l.startsWith('| gate') && !l.startsWith('| ---'));
        expect(rows).toHaveLength(1);
        expect(rows[0]!.split(/(?<!\\)\|/).length).toBe(7);
      }),
    );
    expect(renderMarkdown(SAMPLE_REPORT, { evidenceLines: 1 })).toContain(
      '- … 1 more in the JSON report',
    );
  });
});

describe('renderHtml and renderChartSvg', () => {
  it('is one self-contained document: no scripts, no external resources, everything escaped', () => {
    const html = renderHtml(SAMPLE_REPORT);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<tr class="gate" data-gate="api" data-status="failed">');
    expect(html).toContain('<details open><summary>2 items</summary>');
    expect(html).toContain('<details><summary>1 item</summary>');
    expect(html).toContain('<span class="verdict v-failed" id="verdict">failed</span>');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('s / slow &amp; &quot;heavy&quot;');
  });

  it('draws bars on a shared axis with the limit and the intervals', () => {
    const svg = renderChartSvg(SAMPLE_REPORT.gates[2]!.charts![0]!);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.match(/<rect /g)).toHaveLength(2);
    expect(svg.match(/class="interval"/g)).toHaveLength(2);
    expect(svg).toContain('class="limit"');
    expect(svg).toContain('fill="#d1382f"');
    expect(svg).toContain('fill="#2e9d57"');
    const flat = renderChartSvg({
      title: 'empty',
      unit: '%',
      bars: [{ label: 'zero', value: 0, ok: true }],
    });
    expect(flat).not.toContain('NaN');
    expect(flat).not.toContain('class="limit"');
  });

  it('never produces NaN or unescaped markup for any bar values and labels', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            label: fc.string(),
            value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            ok: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (bars) => {
          const svg = renderChartSvg({ title: '<t>', unit: '%', bars });
          expect(svg).not.toContain('NaN');
          expect(svg).not.toContain('<t>');
          expect(svg.match(/<rect /g)).toHaveLength(bars.length);
        },
      ),
    );
  });
});

describe('writeReports', () => {
  it('writes the asked formats into the directory and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'foundation-quality-reports-'));
    try {
      const written = await writeReports(
        SAMPLE_REPORT,
        ['console', 'json', 'md', 'html'],
        join(dir, 'out'),
      );
      expect(written.map((f) => f.slice(dir.length + 5))).toEqual([
        'quality-report.json',
        'quality-report.md',
        'quality-report.html',
      ]);
      expect(readdirSync(join(dir, 'out')).sort()).toEqual([
        'quality-report.html',
        'quality-report.json',
        'quality-report.md',
      ]);
      expect(JSON.parse(readFileSync(join(dir, 'out', 'quality-report.json'), 'utf8'))).toEqual(
        SAMPLE_REPORT,
      );
      expect(await writeReports(SAMPLE_REPORT, ['console'], join(dir, 'none'))).toEqual([]);
      expect(readdirSync(dir)).toEqual(['out']);
      expect(REPORT_FORMATS).toEqual(['console', 'json', 'md', 'html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
