import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ServiceDescriptor } from '@foundation/core';
import { assertCompliance, runCli } from '@foundation/devtools';
import type { StepContext, StepGroup } from './types.js';

const DIR_KEY = 'devtools.dir';

// Inside the playground, so the generated files resolve its node_modules (@foundation/*, vitest).
const PLAYGROUND = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function workDir(ctx: StepContext): string {
  let dir = ctx.shared.get(DIR_KEY) as string | undefined;
  if (!dir) {
    dir = mkdtempSync(join(PLAYGROUND, '.devtools-step-'));
    const created = dir;
    ctx.defer(() => {
      rmSync(created, { recursive: true, force: true });
    });
    ctx.shared.set(DIR_KEY, dir);
  }
  return dir;
}

/** The nearest `node_modules/.bin/<name>` above `dir`. */
function findBin(dir: string, name: string): string {
  for (let current = dir; ; current = dirname(current)) {
    const bin = join(current, 'node_modules', '.bin', name);
    if (existsSync(bin)) return bin;
    if (dirname(current) === current) throw new Error(`${name} is not installed`);
  }
}

function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited ${code ?? 'by signal'}: ${output.slice(0, 500)}`));
    });
  });
}

/** The devtools steps: generate a service, compile it, run its tests, check its compliance. */
export const devtoolsSteps: StepGroup = {
  title: 'Devtools',
  steps: [
    {
      name: 'generate a service into a temporary folder',
      run: async (ctx) => {
        const dir = workDir(ctx);
        const output: string[] = [];
        const code = await runCli(['generate', 'service', 'Inventory'], {
          stdout: (text) => output.push(text),
          stderr: (text) => output.push(text),
          cwd: dir,
          isTTY: false,
          env: {},
        });
        if (code !== 0) throw new Error(`foundation-dev exited ${code}: ${output.join('')}`);
        return readdirSync(dir).sort().join(', ');
      },
    },
    {
      name: 'compile it under strict TypeScript',
      run: async (ctx) => {
        const dir = workDir(ctx);
        // The repository's strict options, given as flags: tsc refuses a file list with -p.
        await run(
          findBin(dir, 'tsc'),
          [
            '--strict',
            '--noUncheckedIndexedAccess',
            '--target',
            'ES2022',
            '--module',
            'ESNext',
            '--moduleResolution',
            'Bundler',
            '--skipLibCheck',
            '--types',
            'node',
            '--outDir',
            join(dir, 'out'),
            join(dir, 'inventory.ts'),
          ],
          dir,
        );
        return 'no errors; emitted out/inventory.js';
      },
    },
    {
      name: 'run its tests (real assertions and todos)',
      run: async (ctx) => {
        const dir = workDir(ctx);
        // Its own config, so the playground's (tests under test/) does not apply.
        const config = join(dir, 'vitest.config.mjs');
        writeFileSync(config, "export default { test: { include: ['*.test.ts'] } };\n");
        const output = await run(
          findBin(dir, 'vitest'),
          ['run', '--root', dir, '--config', config],
          dir,
        );
        const summary = /Tests\s+([^\n]+)/.exec(output)?.[1]?.trim();
        if (!summary?.includes('todo')) throw new Error(`unexpected vitest output: ${output}`);
        return summary;
      },
    },
    {
      name: "check it complies with core's Service",
      run: async (ctx) => {
        const dir = workDir(ctx);
        const url = pathToFileURL(join(dir, 'out', 'inventory.js')).href;
        const module = (await import(url)) as { Inventory: new () => object };
        assertCompliance(new module.Inventory(), ServiceDescriptor);
        assertCompliance(module.Inventory, ServiceDescriptor);
        return 'instance and class comply';
      },
    },
  ],
};
