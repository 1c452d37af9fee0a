// Packs every publishable package the way `pnpm publish` would (workspace: ranges replaced)
// and checks each tarball, so what users install is what is checked:
// - publint --strict and @arethetypeswrong/cli;
// - its contents and manifest: LICENSE and README shipped, license, repository with directory,
//   homepage, bugs, author, keywords;
// - a strict TypeScript consumer: in a fresh folder, npm installs the packages the README's
//   install line names (the tarball, its sibling packages from their tarballs, nothing optional)
//   and tsc compiles the README example as ESM (.mts) and CommonJS (.cts) with strict,
//   nodenext and `skipLibCheck: false`, so every shipped .d.ts must resolve with only those
//   dependencies installed; every package the example imports must be on that install line
//   (npm's flat node_modules would hide a missing one, pnpm's layout does not).
// Exits non-zero if any package fails a check.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  asCommonJs,
  consumerTsconfig,
  exampleSource,
  installNames,
  tscPath,
  undeclaredImports,
} from './consumer-kit.mjs';

const root = resolve(import.meta.dirname, '../..');
const packDir = join(root, '.pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir);
const consumersDir = mkdtempSync(join(tmpdir(), 'foundation-consumers-'));

// pnpm sets npm_execpath to its own entry point when it runs a script.
const execPath = process.env.npm_execpath;
const pnpm = execPath && /\.c?js$/.test(execPath) ? [process.execPath, execPath] : ['pnpm'];

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command without blocking; resolves with its exit code and combined output. */
function runAsync(command, args, cwd, env) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-32_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      output += error.message;
    });
    child.on('close', (code) => done({ code: code ?? 1, output }));
  });
}

const failures = [];
const report = (name, label, problem) => {
  if (problem === undefined) {
    console.log(`ok   ${name} ${label}`);
  } else {
    failures.push(`${name} ${label}`);
    console.log(`FAIL ${name} ${label}\n${problem}`);
  }
};

/** Problems with the packed tarball's contents and manifest (empty when it is complete). */
function tarballProblems(path, short) {
  const files = run('tar', ['-tzf', path]).split('\n');
  const problems = ['LICENSE', 'README.md']
    .filter((file) => !files.includes(`package/${file}`))
    .map((file) => `no ${file} in the tarball`);
  const manifest = JSON.parse(run('tar', ['-xzOf', path, 'package/package.json']));
  if (manifest.license !== 'MIT') problems.push('license is not MIT');
  if (manifest.repository?.directory !== `packages/${short}`) {
    problems.push(`repository.directory is not packages/${short}`);
  }
  for (const field of ['homepage', 'bugs', 'author']) {
    if (!manifest[field]) problems.push(`no ${field}`);
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) {
    problems.push('no keywords');
  }
  return problems;
}

// 1. Pack, publint, attw, contents.
const packagesDir = join(root, 'packages');
const packed = [];
for (const short of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, short);
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.private) continue;
  const before = new Set(readdirSync(packDir));
  run(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', packDir], dir);
  const tarball = readdirSync(packDir).find((file) => !before.has(file));
  if (!tarball) {
    report(manifest.name, 'pack', 'pnpm pack produced no tarball');
    continue;
  }
  const path = join(packDir, tarball);
  packed.push({ name: manifest.name, short, dir, path });
  for (const [label, command, args] of [
    ['publint', 'publint', ['run', path, '--strict', '--pack', 'false']],
    ['attw', 'attw', [path, '--format', 'ascii', '--no-emoji', '--profile', 'node16']],
  ]) {
    try {
      run(command, args, root);
      report(manifest.name, label);
    } catch (error) {
      report(manifest.name, label, `${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
  const problems = tarballProblems(path, short);
  report(manifest.name, 'contents', problems.length > 0 ? problems.join('; ') : undefined);
}

// 2. A strict TypeScript consumer per package, installed from the tarballs.
const tarballs = new Map(packed.map(({ name, path }) => [name, path]));
const tsc = tscPath(root);
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm|pnpm)_/i.test(key)),
);

async function checkConsumer({ name, short, dir }) {
  const readme = existsSync(join(dir, 'README.md'))
    ? readFileSync(join(dir, 'README.md'), 'utf8')
    : '';
  const names = installNames(readme);
  const example = exampleSource(readme);
  if (!names.includes(name)) return 'the README install line does not name the package';
  if (!example) return 'the README has no ts example';
  const undeclared = undeclaredImports(example, names);
  if (undeclared.length > 0) {
    return `the README example imports ${undeclared.join(', ')}, which its install line does not name (pnpm would not resolve it)`;
  }
  const missing = names.filter((each) => each.startsWith('@foundation/') && !tarballs.has(each));
  if (missing.length > 0) return `the install line names unpacked ${missing.join(', ')}`;
  const consumer = join(consumersDir, short);
  mkdirSync(consumer);
  // Sibling packages reached through dependencies come from their tarballs too.
  const overrides = Object.fromEntries(
    [...tarballs]
      .filter(([each]) => !names.includes(each))
      .map(([each, path]) => [each, `file:${path}`]),
  );
  writeFileSync(
    join(consumer, 'package.json'),
    `${JSON.stringify({ name: `consumer-${short}`, private: true, overrides }, null, 2)}\n`,
  );
  const specs = names.map((each) => tarballs.get(each) ?? each);
  const installed = await runAsync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--loglevel=error',
      ...specs,
    ],
    consumer,
    env,
  );
  if (installed.code !== 0) return `npm install ${names.join(' ')} failed:\n${installed.output}`;
  writeFileSync(join(consumer, 'example.mts'), example);
  writeFileSync(join(consumer, 'example.cts'), asCommonJs(example));
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    `${JSON.stringify(consumerTsconfig(root), null, 2)}\n`,
  );
  const compiled = await runAsync(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer, env);
  return compiled.code === 0 ? undefined : compiled.output;
}

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(3, packed.length) }, async () => {
    while (next < packed.length) {
      const entry = packed[next++];
      report(entry.name, 'strict tsc consumer', await checkConsumer(entry));
    }
  }),
);

rmSync(packDir, { recursive: true, force: true });
rmSync(consumersDir, { recursive: true, force: true });
if (failures.length > 0) {
  console.log(`\npackage checks failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\nall package checks passed');
