/**
 * The Foundation workflow script (the seed's `foundation_dev_workflow`): runs every package's
 * steps, prints each with its outcome and time, and exits non-zero if any step failed.
 */
import { formatDuration } from '@foundation/core';
import { runGroups } from './runner.js';
import { groups } from './steps/index.js';

const write = (text: string): void => {
  process.stdout.write(text);
};

write('Foundation workflow\n');
const outcomes = await runGroups(groups, write);
const failed = outcomes.filter((outcome) => !outcome.ok);
const totalNs = outcomes.reduce((sum, outcome) => sum + outcome.durationNs, 0);
write(
  `\n${outcomes.length - failed.length} passed, ${failed.length} failed in ${formatDuration(totalNs)}\n`,
);
process.exitCode = failed.length > 0 ? 1 : 0;
