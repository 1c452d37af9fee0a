import { ManualClock } from '@foundation/core';
import { FoundationError, type FoundationError as FE } from '@foundation/errors';
import { describe, expect, it } from 'vitest';
import { formatWorkflowSummary, runWorkflow, type StepGroup } from '../src/index.js';

function collect(): { write: (text: string) => void; text: () => string } {
  let output = '';
  return {
    write: (text) => {
      output += text;
    },
    text: () => output,
  };
}

const clock = new ManualClock();
const groups: StepGroup[] = [
  {
    title: 'Demo',
    steps: [
      {
        name: 'fails',
        run: () => {
          throw new Error('broken on purpose');
        },
      },
      {
        name: 'fails with a code',
        run: () => {
          throw new FoundationError('timeout', 'too slow');
        },
      },
      {
        name: 'passes',
        run: async (ctx) => {
          ctx.shared.set('value', 1);
          ctx.defer(() => {
            ctx.shared.set('cleaned', 'first');
          });
          ctx.detail('a detail line');
          await Promise.resolve();
          return 'fine';
        },
      },
      {
        name: 'throws a string',
        run: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- hostile step
          throw 'text';
        },
      },
    ],
  },
];

describe('runWorkflow', () => {
  it('prints each step with its outcome and time, then the summary line', async () => {
    const out = collect();
    const report = await runWorkflow(groups, { write: out.write, clock });
    expect(report.outcomes.map((o) => [o.step, o.ok, o.message])).toEqual([
      ['fails', false, 'Error: broken on purpose'],
      ['fails with a code', false, '[4301 timeout] too slow'],
      ['passes', true, 'fine'],
      ['throws a string', false, 'text'],
    ]);
    expect(report).toMatchObject({ ok: false, passed: 1, failed: 3 });
    expect(report.outcomes[2]!.details).toEqual(['a detail line']);
    expect(out.text()).toContain('FAIL fails (0 ns) — Error: broken on purpose');
    expect(out.text()).toContain('ok   passes (0 ns) — fine');
    expect(out.text()).toContain('         a detail line');
    expect(out.text().trimEnd().endsWith('1 passed, 3 failed in 0 ns')).toBe(true);
    expect(formatWorkflowSummary(report)).toBe('1 passed, 3 failed in 0 ns');
  });

  it('runs clean-ups in reverse order, reporting a failing one and running the rest', async () => {
    const cleaned: string[] = [];
    const out = collect();
    const report = await runWorkflow(
      [
        {
          title: 'Clean-ups',
          steps: [
            {
              name: 'registers',
              run: (ctx) => {
                ctx.defer(() => cleaned.push('first'));
                ctx.defer(() => {
                  cleaned.push('second');
                  throw new Error('clean-up trouble');
                });
                return undefined;
              },
            },
          ],
        },
      ],
      { write: out.write },
    );
    expect(cleaned).toEqual(['second', 'first']);
    expect(report.cleanupFailures).toEqual(['Error: clean-up trouble']);
    expect(report.ok).toBe(false);
    expect(out.text()).toContain('clean-up failed: Error: clean-up trouble');
  });

  it('writes one JSON document with --json', async () => {
    const out = collect();
    const report = await runWorkflow(
      [{ title: 'A', steps: [{ name: 'one', run: () => 'done' }] }],
      { write: out.write, json: true, clock },
    );
    expect(report.ok).toBe(true);
    expect(JSON.parse(out.text())).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('writes nothing without a write function', async () => {
    const report = await runWorkflow([{ title: 'A', steps: [{ name: 'one', run: () => 'x' }] }]);
    expect(report.passed).toBe(1);
  });

  it.each([
    [{}, 'groups'],
    [[1], 'groups[0]'],
    [[{ steps: [] }], 'groups[0].title'],
    [[{ title: 'A', steps: 1 }], 'groups[0].steps'],
    [[{ title: 'A', steps: [null] }], 'groups[0].steps[0]'],
    [[{ title: 'A', steps: [{ name: 1 }] }], 'groups[0].steps[0].name'],
    [[{ title: 'A', steps: [{ name: 'x' }] }], 'groups[0].steps[0].run'],
  ])('refuses malformed groups %#, naming %s', async (input, path) => {
    const error = (await runWorkflow(input as never).catch((e: unknown) => e)) as FE;
    expect(error.codeName).toBe('invalid_input');
    expect(error.context.path).toBe(path);
  });
});
