// What the package checks and the release test share about a package's consumers: the install
// line and the example a user copies from its README, the example as CommonJS, and the strict
// TypeScript settings a careful user compiles it with.
import { execFileSync } from 'node:child_process';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Package specs on the README's install lines (`typescript@5` kept as written): the required
 * ones, up to a comment that says "optional", and the optional ones after it.
 */
function installSpecs(readme) {
  const section = /^## Install\s*\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const block = /```(?:sh|bash|shell)\n([\s\S]*?)```/.exec(section)?.[1];
  const specs = { required: [], optional: [] };
  if (!block) return specs;
  let list = specs.required;
  for (const line of block.split('\n')) {
    if (/^\s*#.*optional/i.test(line)) list = specs.optional;
    const match = /^\s*(?:npm install|npm i|pnpm add|yarn add)\s+(.*)$/.exec(line);
    if (match) list.push(...match[1].split(/\s+/).filter((word) => word && !word.startsWith('-')));
  }
  return specs;
}

/** Package specs on the README's install lines, up to a comment that says "optional". */
export function installNames(readme) {
  return installSpecs(readme).required;
}

/** Package specs on the README's install lines after the comment that says "optional". */
export function optionalInstallNames(readme) {
  return installSpecs(readme).optional;
}

/** The package name of an install spec or an import specifier: `zod@4` -> `zod`, `a/b` -> `a`. */
export function packageName(spec) {
  const [first, second] = spec.split('/');
  const name = first.startsWith('@') && second !== undefined ? `${first}/${second}` : first;
  return name.replace(/(.)@.*$/, '$1');
}

/**
 * The packages an example imports that its install specs do not name. Under npm's flat
 * node_modules a dependency's dependency happens to resolve; under pnpm it does not, so every
 * package the example imports must be on the install line.
 */
export function undeclaredImports(source, specs) {
  const declared = new Set(specs.map(packageName));
  const imported = new Set();
  const pattern =
    /\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) continue;
    imported.add(packageName(specifier));
  }
  return [...imported].filter((name) => !declared.has(name));
}

/**
 * A module that loads every entry point (`exports` subpath, `./package.json` aside) of the
 * given manifests and fails if one exports nothing. Written to an .mts file it checks the ESM
 * builds, to a .cts file (tsc turns the imports into `require`) the CommonJS builds.
 */
export function entryPointsSource(manifests) {
  const specifiers = manifests.flatMap((manifest) =>
    Object.keys(manifest.exports ?? { '.': null })
      .filter((key) => key !== './package.json' && !key.includes('*'))
      .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`)),
  );
  return [
    ...specifiers.map((specifier, index) => `import * as entry${index} from '${specifier}';`),
    '',
    'const entries: Record<string, object> = {',
    ...specifiers.map((specifier, index) => `  '${specifier}': entry${index},`),
    '};',
    'const empty = Object.keys(entries).filter((name) => Object.keys(entries[name]).length === 0);',
    "if (empty.length > 0) throw new Error(`entry points that export nothing: ${empty.join(', ')}`);",
    'console.log(`${Object.keys(entries).length} entry points loaded`);',
    '',
  ].join('\n');
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
