// Runs a command with Node 24 (from the npm package `node@24`, a devDependency of
// tooling/scripts) first on PATH, so it and every `node` it starts run on Node 24:
//   node tooling/scripts/node24.mjs turbo run test --force
// Exits with the command's status, or 1 when there is no Node 24 binary.
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { node24 } from './consumer-kit.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node tooling/scripts/node24.mjs <command> [args...]');
  process.exit(2);
}
const node = node24();
if (!node.path) {
  console.error(`node24: ${node.problem}`);
  process.exit(1);
}
console.log(`node24: running ${command} ${args.join(' ')} on Node ${node.version}`);
const result = spawnSync(command, args, {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${dirname(node.path)}:${process.env.PATH ?? ''}` },
});
if (result.error) console.error(`node24: ${result.error.message}`);
process.exit(result.status ?? 1);
