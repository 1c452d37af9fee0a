/**
 * Benchmarks of @foundation/devtools. Run with `pnpm --filter @foundation/devtools bench` after
 * a build; a missed target exits non-zero.
 *
 * Target: `generate impl` of an interface with 50 members under 1 s: the generator itself, and
 * the CLI command run in process (file read, parsed, generated, formatted by prettier, written).
 * The wall time of a fresh `node dist/cli.js` process is printed too, without a target: most of
 * it is Node loading TypeScript and prettier, which depends on the machine's load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchSuite } from '@foundation/bench-kit';
import { runCli } from '../src/cli/main.js';
import { generateImpl } from '../src/generate/impl.js';
import { parseSourceText } from '../src/source.js';

/** An interface of 50 members: methods (some overloaded, generic, async) and properties. */
function fiftyMembers(): string {
  const lines: string[] = [
    'export interface Options { readonly retries: number }',
    '',
    'export interface Big<T> {',
  ];
  for (let i = 0; i < 50; i++) {
    switch (i % 5) {
      case 0:
        lines.push(`  readonly prop${i}: string;`);
        break;
      case 1:
        lines.push(`  method${i}(id: string, options?: Options): Promise<T>;`);
        break;
      case 2:
        lines.push(`  generic${i}<U extends object>(value: U, ...rest: unknown[]): U[];`);
        break;
      case 3:
        lines.push(`  over${i}(a: string): string;`, `  over${i}(a: number): number;`);
        break;
      default:
        lines.push(`  optional${i}?: (event: T) => void;`);
    }
  }
  lines.push('}', '');
  return lines.join('\n');
}

const text = fiftyMembers();
const dir = mkdtempSync(join(tmpdir(), 'devtools-bench-'));
writeFileSync(join(dir, 'big.ts'), text);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const ARGS = ['generate', 'impl', 'BigImpl', '--from', 'big.ts#Big'];
const io = { stdout: () => undefined, stderr: () => undefined, cwd: dir, isTTY: false, env: {} };

async function inProcessRunMs(): Promise<number> {
  rmSync(join(dir, 'big-impl.ts'), { force: true });
  const start = performance.now();
  const code = await runCli(ARGS, io);
  if (code !== 0) throw new Error(`foundation-dev exited ${code}`);
  return performance.now() - start;
}

function processRunMs(): number {
  rmSync(join(dir, 'big-impl.ts'), { force: true });
  const start = performance.now();
  execFileSync(process.execPath, [cli, ...ARGS], { cwd: dir });
  return performance.now() - start;
}

await inProcessRunMs(); // loads prettier and its plugins once, as a long-lived process would
const inProcessMs: number[] = [];
for (let i = 0; i < 10; i++) inProcessMs.push(await inProcessRunMs());

const source = parseSourceText(text, join(dir, 'big.ts'));
const suite = new BenchSuite('@foundation/devtools', 2)
  .add('parse + generate impl (50 members)', () =>
    generateImpl({
      source: parseSourceText(text, join(dir, 'big.ts')),
      interfaceName: 'Big',
      outDir: dir,
    }),
  )
  .add('generate impl (50 members, parsed)', () =>
    generateImpl({ source, interfaceName: 'Big', outDir: dir }),
  )
  .underNs('parse + generate impl (50 members)', 1e9)
  .check('runCli generate impl (50 members, read + format + write), median of 10 < 1000 ms', () => {
    const median = [...inProcessMs].sort((a, b) => a - b)[5]!;
    return { ok: median < 1000, actual: `${median.toFixed(0)} ms` };
  });

try {
  await suite.run();
  const processMs = Array.from({ length: 3 }, processRunMs);
  console.log(
    `\nnode dist/cli.js generate impl (fresh process, 3 runs): ${processMs.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
