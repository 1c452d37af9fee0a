import { describe, expect, it } from 'vitest';
import type { PhaseResult } from '../src/check/run-check.js';
import { checkSummary, findingLines, phaseLine } from '../src/cli/format.js';
import type { Finding } from '../src/suggest/rules.js';
import { captureIo } from './helpers.js';

const plain = captureIo('/');
const tty = captureIo('/', { isTTY: true });

const typecheck = (durationMs: number, overBudget: boolean): PhaseResult => ({
  id: 'typecheck',
  title: 'typecheck',
  status: 'passed',
  durationMs,
  budgetMs: 30_000,
  overBudget,
});

describe('the lines foundation-dev check prints', () => {
  it('shows a phase with its time and, when it has one, its budget: within or over', () => {
    expect(phaseLine(typecheck(12_340, false), plain)).toBe(
      'passed  typecheck   12.3 s (budget 30.0 s: within)\n',
    );
    expect(phaseLine(typecheck(31_000, true), plain)).toBe(
      'passed  typecheck   31.0 s (budget 30.0 s: over)\n',
    );
    expect(phaseLine(typecheck(31_000, true), tty)).toContain('30.0 s: \x1b[31mover\x1b[39m');
    expect(
      phaseLine({ ...typecheck(0, false), status: 'skipped', reason: 'no tsconfig.json' }, plain),
    ).toBe('skipped typecheck    0.0 s — no tsconfig.json\n');
    expect(phaseLine({ id: 'lint', title: 'lint', status: 'failed', durationMs: 1_500 }, tty)).toBe(
      '\x1b[31mFAILED \x1b[39m lint' + ' '.repeat(9) + '1.5 s\n',
    );
  });

  it('ends with a table of every phase, the failures and the total', () => {
    const summary = checkSummary(
      {
        ok: false,
        totalMs: 2_000,
        phases: [
          { id: 'format', title: 'format', status: 'passed', durationMs: 500 },
          {
            id: 'lint',
            title: 'lint',
            status: 'failed',
            durationMs: 1_500,
            failure: '$ eslint .\nsrc/a.ts 1:1 error',
          },
        ],
      },
      plain,
    );
    expect(summary.split('\n')).toEqual([
      '',
      'phase   status  time   note',
      '------  ------  -----  ----',
      'format  passed  0.5 s',
      'lint    failed  1.5 s',
      '',
      'lint failed:',
      '  $ eslint .',
      '  src/a.ts 1:1 error',
      '',
      'check failed in 2.0 s',
      '',
    ]);
  });
});

describe('the lines foundation-dev suggest prints', () => {
  const finding = (severity: Finding['severity']): Finding => ({
    rule: 'throw-plain-error',
    severity,
    file: 'src/a.ts',
    line: 3,
    column: 5,
    message: 'a plain Error',
    suggestion: 'throw a FoundationError',
  });

  it('shows each finding at file:line:column with its fix, severities coloured on a TTY', () => {
    expect(findingLines([finding('info')], plain)).toBe(
      'src/a.ts:3:5 info throw-plain-error: a plain Error\n    fix: throw a FoundationError\n1 finding\n',
    );
    const coloured = findingLines([finding('error'), finding('warning'), finding('info')], tty);
    expect(coloured).toContain('src/a.ts:3:5 \x1b[31merror\x1b[39m throw-plain-error');
    expect(coloured).toContain('src/a.ts:3:5 \x1b[33mwarning\x1b[39m throw-plain-error');
    expect(coloured).toContain('src/a.ts:3:5 info throw-plain-error');
    expect(coloured.endsWith('3 findings\n')).toBe(true);
  });
});
