// The release test (`pnpm test:release`): a whole release rehearsed against a throw-away
// registry, then every package installed the way a user installs it.
//
// 1. Starts Verdaccio on 127.0.0.1 (no uplinks, anonymous publish, storage in a temp dir) while
//    the next step runs, and refuses to publish unless the registry really is on 127.0.0.1.
// 2. Copies the repository (tracked and new files) to a temp dir, makes it a git repository,
//    applies the pending changesets (`changeset version`) and builds every package; a package
//    whose build fails is reported as failed and kept out of the release.
// 3. Checks that a publish not started by the release script is refused (each package's
//    prepublishOnly guard), then publishes through the project's own `pnpm run release`, with
//    the registry given once and every other destination blocked (proxies at a closed port).
// 4. For each published package: checks the tarball (LICENSE, README, CHANGELOG, metadata, no
//    workspace: ranges) and its git tag; installs it alone in a fresh folder with npm and with
//    pnpm, using the install line of its README (every package the example imports must be on
//    it); compiles its README example with tsc (strict, nodenext, skipLibCheck false) as ESM
//    (.mts) and CommonJS (.cts); runs both on Node 20 and Node 24, and its bins with --help.
// 5. Installs every package together with the optional installs of the READMEs (npm and pnpm),
//    checks there is one copy of each @foundation/* package and of zod, and loads every entry
//    point (each `exports` subpath) of every package as ESM and CommonJS, through tsc, on both
//    Node versions.
// Verdaccio is stopped in every case. Prints a line per package and `N passed, M failed`.
// FOUNDATION_RELEASE_KEEP=1 keeps the temp dir for inspection.
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  asCommonJs,
  consumerTsconfig,
  entryPointsSource,
  exampleSource,
  installNames,
  node24,
  optionalInstallNames,
  packageName,
  tscPath,
  undeclaredImports,
} from './consumer-kit.mjs';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'foundation-release-'));
const keep = process.env.FOUNDATION_RELEASE_KEEP === '1';
const startedAt = performance.now();
const INSTALLERS = ['npm', 'pnpm'];
const CONCURRENCY = 3;
const children = new Set();

/** Ends a child started by `run` and everything it started. */
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(0)}s`;
const step = (message) => console.log(`[${elapsed()}] ${message}`);

/**
 * A folder holding a `pnpm` that runs the pnpm running this test (npx's copy in CI), so the
 * release script, changesets and the consumers all use that one, whatever else is on PATH.
 * Undefined when the test was not started by pnpm.
 */
function pnpmShim() {
  const execPath = process.env.npm_execpath;
  if (!execPath || !/pnpm\.c?js$/.test(execPath)) return undefined;
  const dir = join(work, 'bin');
  mkdirSync(dir);
  writeFileSync(join(dir, 'pnpm'), `#!/bin/sh\nexec '${process.execPath}' '${execPath}' "$@"\n`, {
    mode: 0o755,
  });
  return dir;
}
const shimDir = pnpmShim();

/** The environment for child tools: this run's npm/pnpm settings and .bin paths removed. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  env.PATH = [
    ...(shimDir ? [shimDir] : []),
    ...(process.env.PATH ?? '').split(':').filter((entry) => !entry.includes('node_modules/.bin')),
  ].join(':');
  env.TURBO_TELEMETRY_DISABLED = '1';
  return { ...env, ...extra };
}

/** Runs a command; resolves with its exit code and the tail of its combined output. */
function run(command, args, { cwd, env = cleanEnv(), timeoutMs = 120_000 } = {}) {
  return new Promise((resolvePromise) => {
    // Its own process group, so a timeout ends the tools it started too (pnpm -> turbo -> tsup).
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-64_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      killGroup(child);
    }, timeoutMs);
    child.on('error', (error) => {
      output += `\n${error.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolvePromise({ code: code ?? 1, output });
    });
  });
}

const tail = (text, lines = 12) => text.trim().split('\n').slice(-lines).join('\n');

/** A crash's message (at the top of Node's report) and its last lines, stack frames left out. */
function crash(text) {
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => !/^\s+at /.test(line));
  return lines.length <= 12
    ? lines.join('\n')
    : [...lines.slice(0, 8), '…', ...lines.slice(-3)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The registry

function verdaccioConfig(dir) {
  return [
    `storage: ${JSON.stringify(join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(dir, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $anonymous',
    '    unpublish: $anonymous',
    'web:',
    '  enable: false',
    'log: { type: stdout, format: json, level: error }',
    '',
  ].join('\n');
}

async function startRegistry() {
  const dir = join(work, 'registry');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.yaml'), verdaccioConfig(dir));
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'release-registry.mjs'), join(dir, 'config.yaml')],
    { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('Verdaccio did not start in 60 s'));
    }, 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Verdaccio exited (${code}) before listening:\n${tail(stderr)}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}/` };
}

async function stopRegistry(registry) {
  if (!registry || registry.child.exitCode !== null) return;
  const exited = new Promise((done) => registry.child.once('exit', done));
  registry.child.kill('SIGTERM');
  const timer = setTimeout(() => registry.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** cleanEnv with every proxy pointing at a closed port: only 127.0.0.1 is reachable. */
function localOnlyEnv(extra) {
  const blocked = 'http://127.0.0.1:9';
  return cleanEnv({
    npm_config_proxy: blocked,
    npm_config_https_proxy: blocked,
    npm_config_noproxy: '127.0.0.1',
    HTTP_PROXY: blocked,
    HTTPS_PROXY: blocked,
    NO_PROXY: '127.0.0.1',
    ...extra,
  });
}

/**
 * Problems per package whose direct `pnpm publish --dry-run` (not through the release script)
 * is not refused by its prepublishOnly guard (tooling/scripts/release-guard.mjs).
 */
async function directPublishProblems(packages, registryUrl) {
  const problems = new Map();
  await Promise.all(
    packages.map(async (pkg) => {
      const tried = await run(
        'pnpm',
        ['publish', '--dry-run', '--no-git-checks', '--registry', registryUrl],
        { cwd: pkg.dir, env: localOnlyEnv() },
      );
      if (tried.code === 0 || !tried.output.includes('release-guard')) {
        problems.set(pkg, [
          `a direct pnpm publish is not refused (exit ${tried.code}): add "prepublishOnly": "node ../../tooling/scripts/release-guard.mjs"`,
        ]);
      }
    }),
  );
  return problems;
}

function assertLocal(url) {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') {
    throw new Error(`refusing to publish: the registry ${url} is not on 127.0.0.1`);
  }
}

// ---------------------------------------------------------------------------------------------
// The throw-away repository

function copyRepository(dest) {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root })
    .toString()
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the work tree, still in the index
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file), { verbatimSymlinks: true });
  }
  // The installed dependencies: the root store is shared (read-only use), each workspace
  // package's node_modules holds only relative links, which then point into the copy.
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'), 'dir');
  for (const group of ['packages', 'apps', 'tooling']) {
    if (!existsSync(join(root, group))) continue;
    for (const name of readdirSync(join(root, group))) {
      const modules = join(root, group, name, 'node_modules');
      if (!existsSync(modules) || !existsSync(join(dest, group, name))) continue;
      cpSync(modules, join(dest, group, name, 'node_modules'), {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => !/[\\/]\.(vite|vite-temp|cache)$/.test(source),
      });
    }
  }
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Workspace packages under packages/ in the copy, with their manifests. */
function workspacePackages(repo) {
  const dir = join(repo, 'packages');
  return readdirSync(dir)
    .sort()
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .map((name) => ({
      dir: join(dir, name),
      short: name,
      manifest: readJson(join(dir, name, 'package.json')),
    }));
}

/** Every file the manifest's entry points name under dist/, which the build must have made. */
function distFiles(manifest) {
  const files = new Set();
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/')) files.add(value);
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner);
    }
  };
  visit([manifest.main, manifest.module, manifest.types, manifest.exports, manifest.bin]);
  return [...files];
}

// ---------------------------------------------------------------------------------------------
// Consumers

const tsc = tscPath(root);

/** The Node binaries the consumers run on: this one (20) and node@24 from tooling/scripts. */
function nodeBinaries() {
  const newer = node24();
  return [
    { label: `node${process.versions.node.split('.')[0]}`, path: process.execPath },
    { label: 'node24', path: newer.path, problem: newer.problem },
  ];
}

function consumerDir(name) {
  const dir = join(work, 'consumers', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `consumer-${name}`, version: '0.0.0', private: true }, null, 2)}\n`,
  );
  return dir;
}

async function install(installer, dir, names, registryUrl) {
  // Only the @foundation scope comes from the local registry; zod, pino and the rest from npm.
  writeFileSync(join(dir, '.npmrc'), `@foundation:registry=${registryUrl}\n`);
  const args =
    installer === 'npm'
      ? ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline', ...names]
      : ['add', '--prefer-offline', '--reporter=append-only', ...names];
  return run(installer, args, { cwd: dir, timeoutMs: 180_000 });
}

/**
 * The unmet peer dependencies an install reported (pnpm installs anyway and only warns, e.g. a
 * `typescript` the package's peer range excludes); empty when there are none.
 */
function unmetPeers(output) {
  return output
    .split('\n')
    .filter((line) => /unmet peer|missing peer/i.test(line))
    .map((line) => line.replace(/^[\s│├└─┬✕]+/u, '').trim());
}

/** Bytes of every file under a folder, symlinks not followed. */
function folderBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

/**
 * Compiles each named TypeScript module as ESM (<name>.mts) and CommonJS (<name>.cts) in one
 * strict tsc run, then runs every output on every Node binary, side by side. Returns problems.
 */
async function compileAndRun(dir, modules, nodes, label) {
  const problems = [];
  const files = [];
  for (const [name, source] of Object.entries(modules)) {
    writeFileSync(join(dir, `${name}.mts`), source);
    writeFileSync(join(dir, `${name}.cts`), asCommonJs(source));
    files.push(`${name}.mts`, `${name}.cts`);
  }
  const tsconfig = { ...consumerTsconfig(root), files };
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const compiled = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir });
  if (compiled.code !== 0) {
    problems.push(`${label} tsc exit ${compiled.code}:\n${tail(compiled.output) || '(no output)'}`);
  }
  const runs = [];
  for (const node of nodes) {
    if (!node.path) {
      problems.push(`${label} ${node.label}: ${node.problem}`);
      continue;
    }
    for (const name of Object.keys(modules)) {
      for (const [kind, file] of [
        ['esm', `out/${name}.mjs`],
        ['cjs', `out/${name}.cjs`],
      ]) {
        const what = `${label} ${name} ${kind} ${node.label}`;
        if (!existsSync(join(dir, file))) {
          problems.push(`${what}: ${file} was not emitted`);
          continue;
        }
        runs.push(
          run(node.path, [file], { cwd: dir, timeoutMs: 60_000 }).then((ran) => {
            if (ran.code !== 0) problems.push(`${what} exit ${ran.code}:\n${crash(ran.output)}`);
          }),
        );
      }
    }
  }
  await Promise.all(runs);
  return problems;
}

/** Runs each of the package's executables with `--help` on every Node binary. */
async function checkBins(dir, manifest, nodes, label) {
  const bins =
    typeof manifest.bin === 'string'
      ? [manifest.name.split('/').pop()]
      : Object.keys(manifest.bin ?? {});
  const problems = [];
  await Promise.all(
    bins.flatMap((bin) =>
      nodes
        .filter((node) => node.path)
        .map(async (node) => {
          // The bin's `#!/usr/bin/env node` (npm's link, pnpm's shim) finds this Node first.
          const env = cleanEnv();
          env.PATH = `${dirname(node.path)}:${env.PATH}`;
          const ran = await run(join(dir, 'node_modules', '.bin', bin), ['--help'], {
            cwd: dir,
            env,
            timeoutMs: 60_000,
          });
          if (ran.code !== 0) {
            problems.push(
              `${label} ${bin} --help ${node.label} exit ${ran.code}:\n${crash(ran.output)}`,
            );
          }
        }),
    ),
  );
  return problems;
}

async function checkConsumer(pkg, installer, registryUrl, nodes) {
  const began = performance.now();
  const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(0)} s`;
  const dir = consumerDir(`${pkg.short}-${installer}`);
  const installed = await install(installer, dir, pkg.installNames, registryUrl);
  if (installed.code !== 0) {
    return { problems: [`${installer} install failed:\n${tail(installed.output)}`] };
  }
  const installTime = seconds(began);
  const peers = unmetPeers(installed.output).map(
    (line) => `${installer}: the README install line leaves ${line}`,
  );
  const checksBegan = performance.now();
  const [ran, bins] = await Promise.all([
    compileAndRun(dir, { example: pkg.example }, nodes, installer),
    checkBins(dir, pkg.manifest, nodes, installer),
  ]);
  step(`${pkg.short} ${installer}: install ${installTime}, tsc and runs ${seconds(checksBegan)}`);
  const installBytes = installer === 'npm' ? folderBytes(join(dir, 'node_modules')) : undefined;
  return { problems: [...peers, ...ran, ...bins], installBytes };
}

// ---------------------------------------------------------------------------------------------
// Published tarballs

async function checkPublished(pkg, registryUrl) {
  const problems = [];
  const response = await fetch(`${registryUrl}${pkg.manifest.name.replace('/', '%2f')}`);
  if (!response.ok) return { problems: [`not on the registry (HTTP ${response.status})`] };
  const packument = await response.json();
  const published = packument.versions?.[pkg.manifest.version];
  if (!published) {
    return { problems: [`version ${pkg.manifest.version} not on the registry`] };
  }
  const tarballResponse = await fetch(published.dist.tarball);
  const tarball = Buffer.from(await tarballResponse.arrayBuffer());
  const tarballPath = join(work, `${pkg.short}.tgz`);
  writeFileSync(tarballPath, tarball);
  const unpacked = join(work, 'unpacked', pkg.short);
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', tarballPath, '-C', unpacked]);
  const files = execFileSync('tar', ['-tzf', tarballPath]).toString().split('\n');
  for (const required of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json']) {
    if (!files.includes(`package/${required}`)) problems.push(`tarball has no ${required}`);
  }
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', tarballPath, 'package/package.json']).toString(),
  );
  if (manifest.license !== 'MIT') problems.push('license is not MIT');
  if (manifest.repository?.directory !== `packages/${pkg.short}`) {
    problems.push('repository.directory missing or wrong');
  }
  for (const field of ['homepage', 'bugs', 'author']) {
    if (!manifest[field]) problems.push(`no ${field}`);
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) {
    problems.push('no keywords');
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${name} published as ${range}`);
    }
  }
  return { problems, tarballBytes: tarball.length, unpackedBytes: folderBytes(unpacked) };
}

// ---------------------------------------------------------------------------------------------
// Everything together

/** Real (non-symlinked) install locations of the named packages under a consumer folder. */
function packageCopies(dir, wanted, found = new Map()) {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return found;
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    const path = join(modules, entry.name);
    if (entry.name === '.pnpm') {
      for (const inner of readdirSync(path, { withFileTypes: true })) {
        if (inner.isDirectory()) packageCopies(join(path, inner.name), wanted, found);
      }
      continue;
    }
    if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
    const packageDirs = entry.name.startsWith('@')
      ? readdirSync(path, { withFileTypes: true })
          .filter((inner) => inner.isDirectory())
          .map((inner) => join(path, inner.name))
      : [path];
    for (const packageDir of packageDirs) {
      const manifestPath = join(packageDir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const { name, version } = readJson(manifestPath);
      if (wanted(name)) {
        found.set(name, [...(found.get(name) ?? []), `${version} at ${packageDir}`]);
      }
      packageCopies(packageDir, wanted, found);
    }
  }
  return found;
}

/**
 * The install specs of every package, required and optional, one per package name (a spec with
 * a version, such as `typescript@5`, wins over a bare name).
 */
function togetherSpecs(packages) {
  const specs = new Map();
  for (const pkg of packages) {
    for (const spec of [pkg.manifest.name, ...pkg.installNames, ...pkg.optionalNames]) {
      const name = packageName(spec);
      if (!specs.has(name) || spec !== name) specs.set(name, spec);
    }
  }
  return [...specs.values()];
}

/**
 * Everything installed together, optional peers included: one copy of each @foundation/*
 * package and of zod, and every entry point (each `exports` subpath) of every package compiles
 * and loads as ESM and as CommonJS on every Node binary.
 */
async function checkTogether(packages, installer, registryUrl, nodes) {
  const began = performance.now();
  const dir = consumerDir(`all-${installer}`);
  const installed = await install(installer, dir, togetherSpecs(packages), registryUrl);
  if (installed.code !== 0) return [`${installer} install failed:\n${tail(installed.output)}`];
  const problems = unmetPeers(installed.output).map((line) => `${installer}: ${line}`);
  const copies = packageCopies(dir, (name) => name.startsWith('@foundation/') || name === 'zod');
  for (const [name, locations] of copies) {
    if (locations.length > 1) {
      problems.push(`${installer}: ${locations.length} copies of ${name}: ${locations.join('; ')}`);
    }
  }
  for (const pkg of packages) {
    if (!copies.has(pkg.manifest.name)) problems.push(`${installer}: ${pkg.manifest.name} missing`);
  }
  const entries = entryPointsSource(packages.map((pkg) => pkg.manifest));
  problems.push(...(await compileAndRun(dir, { entries }, nodes, installer)));
  step(`all packages ${installer}: ${((performance.now() - began) / 1000).toFixed(0)} s`);
  return problems;
}

// ---------------------------------------------------------------------------------------------

async function pool(items, limit, worker) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await worker(items[index]);
      }
    }),
  );
  return results;
}

const kb = (bytes) => (bytes === undefined ? '?' : `${(bytes / 1024).toFixed(1)} kB`);

async function main() {
  const results = []; // { name, problems, detail }
  // Verdaccio starts while the repository is copied, versioned and built; the publish waits.
  let registry;
  step('starting Verdaccio');
  const registryStarting = startRegistry().then((started) => {
    registry = started;
    return started;
  });
  registryStarting.catch(() => undefined); // a failure is reported where it is awaited
  try {
    const repo = join(work, 'repo');
    copyRepository(repo);
    const git = (args) =>
      run(
        'git',
        ['-c', 'user.name=release-test', '-c', 'user.email=release-test@127.0.0.1', ...args],
        { cwd: repo },
      );
    await git(['init', '-q', '-b', 'main']);
    writeFileSync(join(repo, '.git', 'info', 'exclude'), 'node_modules\n');
    await git(['add', '-A']);
    const committed = await git(['commit', '-q', '--no-verify', '-m', 'release test snapshot']);
    if (committed.code !== 0) throw new Error(`git commit failed:\n${tail(committed.output)}`);
    step(`repository copied to ${repo}`);

    const versioned = await run('pnpm', ['exec', 'changeset', 'version'], { cwd: repo });
    if (versioned.code !== 0)
      throw new Error(`changeset version failed:\n${tail(versioned.output)}`);
    step('changeset version applied');

    const built = await run(
      'pnpm',
      [
        'exec',
        'turbo',
        'run',
        'build',
        '--filter=./packages/*',
        '--continue',
        '--output-logs=errors-only',
      ],
      { cwd: repo, timeoutMs: 900_000 },
    );
    writeFileSync(join(work, 'build.log'), built.output);
    step(`build finished (exit ${built.code})`);

    const candidates = workspacePackages(repo).filter(({ manifest }) => manifest.private !== true);
    const publishable = [];
    for (const pkg of candidates) {
      const missing = distFiles(pkg.manifest).filter((file) => !existsSync(join(pkg.dir, file)));
      if (missing.length > 0 || distFiles(pkg.manifest).length === 0) {
        results.push({
          name: pkg.manifest.name,
          problems: [
            `build failed or incomplete (missing ${missing.join(', ') || 'entry points'})`,
          ],
        });
        // Kept out of the release, as a maintainer would after a failed build.
        const manifestPath = join(pkg.dir, 'package.json');
        writeFileSync(
          manifestPath,
          `${JSON.stringify({ ...pkg.manifest, private: true }, null, 2)}\n`,
        );
        continue;
      }
      publishable.push(pkg);
    }

    await registryStarting;
    assertLocal(registry.url);
    step(`registry at ${registry.url}`);

    // A publish not started by the release script is refused by each package's guard, even
    // to this registry (dry runs: a package without the guard is not published by this check).
    const unguarded = await directPublishProblems(publishable, registry.url);

    // The release itself: only the local registry is reachable (every proxy points at a closed
    // port, with 127.0.0.1 exempt), and a throw-away token satisfies npm's login check.
    const npmrc = join(work, 'release.npmrc');
    writeFileSync(npmrc, `//${new URL(registry.url).host}/:_authToken=release-test\n`);
    const released = await run('pnpm', ['run', 'release'], {
      cwd: repo,
      timeoutMs: 600_000,
      env: localOnlyEnv({ NPM_CONFIG_REGISTRY: registry.url, NPM_CONFIG_USERCONFIG: npmrc }),
    });
    writeFileSync(join(work, 'release.log'), released.output);
    step(`pnpm run release finished (exit ${released.code})`);
    if (released.code !== 0) console.log(tail(released.output, 30));
    const tags = (await git(['tag', '-l'])).output.split('\n');

    const nodes = nodeBinaries();
    const ready = [];
    const publishedChecks = await Promise.all(
      publishable.map((pkg) => checkPublished(pkg, registry.url)),
    );
    for (const [index, pkg] of publishable.entries()) {
      const readmePath = join(pkg.dir, 'README.md');
      const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
      pkg.installNames = installNames(readme);
      pkg.optionalNames = optionalInstallNames(readme);
      pkg.example = exampleSource(readme);
      const published = publishedChecks[index];
      pkg.problems = [...published.problems, ...(unguarded.get(pkg) ?? [])];
      pkg.detail = published;
      const tag = `${pkg.manifest.name}@${pkg.manifest.version}`;
      if (!tags.includes(tag)) pkg.problems.push(`no git tag ${tag}`);
      if (!existsSync(join(pkg.dir, 'CHANGELOG.md'))) pkg.problems.push('no CHANGELOG.md');
      if (!pkg.installNames.includes(pkg.manifest.name)) {
        pkg.problems.push('the README install line does not name the package');
      }
      if (!pkg.example) pkg.problems.push('the README has no ts example');
      const undeclared = pkg.example ? undeclaredImports(pkg.example, pkg.installNames) : [];
      if (undeclared.length > 0) {
        pkg.problems.push(
          `the README example imports ${undeclared.join(', ')}, which its install line does not name (pnpm does not resolve a dependency's dependencies)`,
        );
      }
      if (published.problems.some((problem) => problem.includes('registry'))) {
        results.push({ name: pkg.manifest.name, problems: pkg.problems });
        continue;
      }
      ready.push(pkg);
    }
    step(`published ${ready.length} packages; installing consumers`);

    // The longest jobs first (a package with bins has a CLI and a heavy toolchain to install),
    // so the pool does not end waiting on one of them.
    const weight = (pkg) =>
      Object.keys(pkg.manifest.bin ?? {}).length * 10 + pkg.installNames.length;
    const jobs = ready
      .filter((pkg) => pkg.example && pkg.installNames.length > 0)
      .sort((a, b) => weight(b) - weight(a))
      .flatMap((pkg) => INSTALLERS.map((installer) => ({ pkg, installer })));
    // Everything installed together (one job per installer, the heaviest) shares the pool.
    const together = INSTALLERS.map((installer) => ({ installer }));
    const outcomes = await pool([...together, ...jobs], CONCURRENCY, ({ pkg, installer }) =>
      pkg
        ? checkConsumer(pkg, installer, registry.url, nodes)
        : checkTogether(ready, installer, registry.url, nodes).then((problems) => ({ problems })),
    );
    const togetherProblems = outcomes.splice(0, together.length).flatMap((each) => each.problems);
    jobs.forEach(({ pkg }, index) => {
      pkg.problems.push(...outcomes[index].problems);
      if (outcomes[index].installBytes !== undefined) {
        pkg.detail.installBytes = outcomes[index].installBytes;
      }
    });
    for (const pkg of ready) {
      results.push({
        name: pkg.manifest.name,
        version: pkg.manifest.version,
        problems: pkg.problems,
        detail: pkg.detail,
      });
    }
    step('consumers done');
    results.push({
      name: 'all packages together',
      problems: ready.length > 0 ? togetherProblems : ['nothing published'],
    });
  } catch (error) {
    results.push({ name: 'release test', problems: [String(error?.stack ?? error)] });
  } finally {
    await registryStarting.catch(() => undefined);
    await stopRegistry(registry);
    for (const child of children) killGroup(child);
  }

  console.log('');
  const nodesLabel = nodeBinaries()
    .map((node) => node.label)
    .join('+');
  for (const result of results.sort((a, b) => a.name.localeCompare(b.name))) {
    const sizes = result.detail
      ? ` tarball ${kb(result.detail.tarballBytes)}, unpacked ${kb(result.detail.unpackedBytes)}, npm install ${kb(result.detail.installBytes)}`
      : '';
    const label = result.version ? `${result.name}@${result.version}` : result.name;
    if (result.problems.length === 0) {
      console.log(
        `ok   ${label}${sizes}${result.detail ? ` (npm+pnpm, tsc+esm+cjs, ${nodesLabel})` : ''}`,
      );
    } else {
      console.log(`FAIL ${label}${sizes}`);
      for (const problem of result.problems)
        console.log(`     - ${problem.replace(/\n/g, '\n       ')}`);
    }
  }
  const failed = results.filter((result) => result.problems.length > 0).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed (${elapsed()})`);
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
  return failed === 0 ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Verdaccio exits by itself when this process goes (its IPC channel closes).
    for (const child of children) killGroup(child);
    if (!keep) rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

process.exitCode = await main();
