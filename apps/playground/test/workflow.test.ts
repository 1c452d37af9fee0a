import { runSmokeTests, runWorkflow } from '@foundation/devtools';
import { describe, expect, it } from 'vitest';
import { groups } from '../src/steps/index.js';
import { playgroundSmokeTests } from '../src/steps/smoke.js';

describe('the workflow script', () => {
  it('runs every step of every package successfully, the devtools step included', async () => {
    let output = '';
    const report = await runWorkflow(groups, {
      write: (text) => {
        output += text;
      },
    });
    const failed = report.outcomes.filter((outcome) => !outcome.ok);
    expect(failed, output).toEqual([]);
    expect(report.outcomes.length).toBe(groups.reduce((n, g) => n + g.steps.length, 0));
    expect(report.outcomes.filter((o) => o.group === 'Devtools').map((o) => o.ok)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(output).toMatch(/\d+ passed, 0 failed in /);
  }, 300_000);

  it('reports a failing step and keeps going, running clean-ups at the end', async () => {
    const cleaned: string[] = [];
    let output = '';
    const report = await runWorkflow(
      [
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
              name: 'passes',
              run: (ctx) => {
                ctx.defer(() => cleaned.push('first'));
                ctx.defer(() => {
                  cleaned.push('second');
                  throw new Error('clean-up trouble');
                });
                ctx.detail('a detail line');
                return 'fine';
              },
            },
          ],
        },
      ],
      {
        write: (text) => {
          output += text;
        },
      },
    );
    expect(report.outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(report.outcomes[0]!.message).toBe('Error: broken on purpose');
    expect(cleaned).toEqual(['second', 'first']);
    expect(output).toContain('FAIL fails');
    expect(output).toContain('a detail line');
    expect(output).toContain('clean-up failed: Error: clean-up trouble');
    expect(output).toContain('1 passed, 1 failed in ');
  });

  it("passes the playground's smoke suite with every part plugged in", async () => {
    const { foundation, tests } = playgroundSmokeTests();
    const report = await runSmokeTests(tests);
    await foundation.shutdown();
    expect(report.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(report.results).toHaveLength(8);
  });
});
