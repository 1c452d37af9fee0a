import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../src/index.js';
import { SAMPLE_REPORT } from './sample-report.js';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = process.env.FOUNDATION_REQUIRE_SERVICES === '1';
if (!available && !required) {
  console.log(
    `[quality] HTML report test skipped: ${CHROMIUM} not installed (tooling/scripts/ensure-ci-tools.sh installs it)`,
  );
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-dev-shm-usage',
];

describe.skipIf(!available && !required)('the HTML report in headless Chromium', () => {
  it('loads offline with every gate and chart, and renders a screenshot', async () => {
    expect(available, `${CHROMIUM} is required (FOUNDATION_REQUIRE_SERVICES=1)`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'foundation-quality-html-'));
    try {
      const [file] = await writeReports(SAMPLE_REPORT, ['html'], dir);
      const url = pathToFileURL(file!).href;
      const profile = ['--user-data-dir=' + join(dir, 'profile')];
      const { stdout: dom } = await run(CHROMIUM, [...FLAGS, ...profile, '--dump-dom', url], {
        timeout: 90_000,
        maxBuffer: 16 << 20,
      });
      // The DOM Chromium built: one row per gate with its status, the verdict, both charts.
      for (const gate of SAMPLE_REPORT.gates) {
        expect(dom).toContain(
          `<tr class="gate" data-gate="${gate.name}" data-status="${gate.status}">`,
        );
      }
      expect(dom).toContain('<span class="verdict v-failed" id="verdict">failed</span>');
      expect(dom.match(/<svg /g)).toHaveLength(2);
      expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(dom).not.toContain('<script>alert(1)</script>');

      const outDir = resolve(import.meta.dirname, '../test-output');
      mkdirSync(outDir, { recursive: true });
      const screenshot = join(outDir, 'quality-report.png');
      rmSync(screenshot, { force: true });
      await run(
        CHROMIUM,
        [
          ...FLAGS,
          ...profile,
          `--screenshot=${screenshot}`,
          '--window-size=1200,1000',
          '--hide-scrollbars',
          url,
        ],
        {
          timeout: 90_000,
        },
      );
      const png = readFileSync(screenshot);
      expect(
        png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
      ).toBe(true);
      expect(png.readUInt32BE(16)).toBe(1200);
      expect(statSync(screenshot).size).toBeGreaterThan(10_000);
      console.log(`[quality] HTML report screenshot: ${screenshot}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
