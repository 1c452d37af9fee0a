import { describe, expect, it } from 'vitest';
import { runGroups } from '../src/runner.js';
import { groups } from '../src/steps/index.js';

describe('the workflow script', () => {
  it('runs every step of every package successfully', async () => {
    let output = '';
    const outcomes = await runGroups(groups, (text) => {
      output += text;
    });
    const failed = outcomes.filter((outcome) => !outcome.ok);
    expect(failed, output).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(groups.reduce((n, g) => n + g.steps.length, 0));
  });

  it('reports a failing step and keeps going, running clean-ups at the end', async () => {
    const cleaned: string[] = [];
    let output = '';
    const outcomes = await runGroups(
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
      (text) => {
        output += text;
      },
    );
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(outcomes[0]!.message).toBe('Error: broken on purpose');
    expect(cleaned).toEqual(['second', 'first']);
    expect(output).toContain('FAIL fails');
    expect(output).toContain('a detail line');
    expect(output).toContain('clean-up failed: Error: clean-up trouble');
  });
});
