/**
 * The Foundation workflow script (the seed's `foundation_dev_workflow`): runs every package's
 * steps with devtools' workflow-step runner, prints each with its outcome and time, and exits
 * non-zero if any step failed. `--json` prints the report as JSON; `--smoke` runs the smoke suite
 * instead (what `foundation-dev check` runs in its smoke phase).
 */
import { formatDuration } from '@foundation/core';
import { runSmokeTests, runWorkflow } from '@foundation/devtools';
import { groups } from './steps/index.js';
import { playgroundSmokeTests } from './steps/smoke.js';

const write = (text: string): void => {
  process.stdout.write(text);
};
const json = process.argv.includes('--json');

if (process.argv.includes('--smoke')) {
  const { foundation, tests } = playgroundSmokeTests();
  const report = await runSmokeTests(tests, { timeoutMs: 10_000 });
  await foundation.shutdown();
  if (json) {
    write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    write('Foundation smoke tests\n');
    for (const result of report.results) {
      const detail = result.error?.message ?? result.message ?? '';
      write(
        `  ${result.status.padEnd(9)} ${result.name} (${formatDuration(result.durationNs)})${detail ? ` — ${detail}` : ''}\n`,
      );
    }
    write(
      `\n${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${formatDuration(report.durationNs)}\n`,
    );
  }
  process.exitCode = report.ok ? 0 : 1;
} else {
  if (!json) write('Foundation workflow\n');
  const report = await runWorkflow(groups, { write, json });
  process.exitCode = report.ok ? 0 : 1;
}
