// What the package checks and the release test share about a package's consumers: the install
// line and the example a user copies from its README, the example as CommonJS, and the strict
// TypeScript settings a careful user compiles it with.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Package names on the README's install lines, up to a comment that says "optional". */
export function installNames(readme) {
  const section = /^## Install\s*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const block = /```(?:sh|bash|shell)\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) return [];
  const names = [];
  for (const line of block.split('\n')) {
    if (/^\s*#.*optional/i.test(line)) break;
    const match = /^\s*(?:npm install|npm i|pnpm add|yarn add)\s+(.*)$/.exec(line);
    if (match) names.push(...match[1].split(/\s+/).filter((word) => word && !word.startsWith('-')));
  }
  return names;
}

/** The first TypeScript block of the README's Example section, if there is one. */
export function exampleSource(readme) {
  const section = /^## Example\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? '';
  return /```ts\n([\s\S]*?)```/.exec(section)?.[1];
}

/**
 * The example as a CommonJS module: its imports kept (tsc turns them into `require`), the rest
 * inside an async `main`, since CommonJS has no top-level await (top-level exports become
 * plain declarations there).
 */
export function asCommonJs(source) {
  const imports = [];
  const body = [];
  let inImport = false;
  for (const line of source.split('\n')) {
    if (!inImport && /^import\s/.test(line)) inImport = true;
    if (inImport) imports.push(line);
    else
      body.push(line.replace(/^export default /, 'const defaultExport = ').replace(/^export /, ''));
    if (inImport && /;\s*$/.test(line)) inImport = false;
  }
  return [
    ...imports,
    '',
    'async function main(): Promise<void> {',
    ...body.map((line) => (line ? `  ${line}` : line)),
    '}',
    '',
    'main().catch((error: unknown) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
}

/**
 * A strict consumer's tsconfig: nodenext, `skipLibCheck: false` (so every shipped .d.ts is
 * checked), Node's types from the repository root. Compiles example.mts and example.cts to out/.
 */
export function consumerTsconfig(root) {
  return {
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      lib: ['es2023', 'esnext.disposable'],
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      rootDir: '.',
      outDir: 'out',
    },
    files: ['example.mts', 'example.cts'],
  };
}

/** The repository's TypeScript compiler, run as `node <tscPath>`. */
export function tscPath(root) {
  const require = createRequire(join(root, 'package.json'));
  return join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
}

/**
 * The Node 24 binary the npm package `node@24` (a devDependency of tooling/scripts) installs,
 * with its version; `path` is undefined, and `problem` says why, when it is not there.
 */
export function node24() {
  let path;
  try {
    const require = createRequire(import.meta.url);
    path = join(dirname(require.resolve('node/package.json')), 'bin', 'node');
  } catch {
    return { problem: 'the node@24 devDependency of tooling/scripts is not installed' };
  }
  let version;
  try {
    version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return {
      problem:
        'node@24 is installed without its binary: its install script did not run (pnpm needs `node: true` under allowBuilds)',
    };
  }
  return version.startsWith('v24.')
    ? { path, version }
    : { problem: `tooling/scripts/node_modules/node is ${version}, not 24` };
}
