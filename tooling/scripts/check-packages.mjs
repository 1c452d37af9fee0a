// Packs every publishable package the way `pnpm publish` would (workspace: ranges replaced)
// and checks each tarball with publint --strict and @arethetypeswrong/cli, so what users install
// is what is checked. Exits non-zero if any package fails either check.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const packDir = join(root, '.pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir);

// pnpm sets npm_execpath to its own entry point when it runs a script.
const execPath = process.env.npm_execpath;
const pnpm = execPath && /\.c?js$/.test(execPath) ? [process.execPath, execPath] : ['pnpm'];

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const packagesDir = join(root, 'packages');
const failures = [];
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  const before = new Set(readdirSync(packDir));
  run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packDir], dir);
  const tarball = readdirSync(packDir).find((file) => !before.has(file));
  if (!tarball) {
    failures.push(`${manifest.name}: pnpm pack produced no tarball`);
    continue;
  }
  const path = join(packDir, tarball);
  for (const [label, command, args] of [
    ['publint', 'publint', ['run', path, '--strict', '--pack', 'false']],
    ['attw', 'attw', [path, '--format', 'ascii', '--no-emoji']],
  ]) {
    try {
      run(command, args, root);
      console.log(`ok   ${manifest.name} ${label}`);
    } catch (error) {
      failures.push(`${manifest.name} ${label}`);
      console.log(`FAIL ${manifest.name} ${label}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
}
rmSync(packDir, { recursive: true, force: true });
if (failures.length > 0) {
  console.log(`\npackage checks failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nall package checks passed');
