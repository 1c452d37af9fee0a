// The release script (`pnpm run release`): builds the public packages and publishes them with
// `changeset publish`, to exactly one registry.
//
// The registry is decided here, once: `--registry <url>`, else NPM_CONFIG_REGISTRY /
// npm_config_registry, else the public npm registry. It is then handed to every publish both as
// `npm_config_registry` and as the `@foundation` scope registry. Both matter: changesets only
// reads the lower-case `npm_config_*` variables (an upper-case NPM_CONFIG_REGISTRY or an .npmrc
// entry alone is ignored, and changesets then pins the public registry for the publish), and a
// scope registry wins over the plain one in npm. A manifest whose `publishConfig` names a registry
// would override both, so the release refuses to start when one does.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const PUBLIC_REGISTRY = 'https://registry.npmjs.org/';
const SCOPE = '@foundation';
const root = resolve(import.meta.dirname, '../..');

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

/** The one registry this release publishes to, normalised to end with a slash. */
function chooseRegistry(argv, env) {
  // `pnpm run release -- --registry <url>` passes the `--` on to the script.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({ args, options: { registry: { type: 'string' } } });
  const fromEnv = [env.NPM_CONFIG_REGISTRY, env.npm_config_registry].filter(Boolean);
  if (new Set(fromEnv.map((url) => url.replace(/\/?$/, '/'))).size > 1) {
    fail(`NPM_CONFIG_REGISTRY and npm_config_registry disagree (${fromEnv.join(' vs ')})`);
  }
  const chosen = values.registry ?? fromEnv[0] ?? PUBLIC_REGISTRY;
  let url;
  try {
    url = new URL(chosen);
  } catch {
    fail(`registry "${chosen}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail(`registry "${chosen}" must be http(s)`);
  }
  return url.href.replace(/\/?$/, '/');
}

/** The workspace packages under packages/ that are published (not private). */
function publicPackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name, 'package.json'))
    .filter((path) => existsSync(path))
    .map((path) => ({ path, manifest: JSON.parse(readFileSync(path, 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

const registry = chooseRegistry(process.argv.slice(2), process.env);
const packages = publicPackages();
if (packages.length === 0) fail('no public packages under packages/');
for (const { path, manifest } of packages) {
  const publishConfig = manifest.publishConfig ?? {};
  for (const key of Object.keys(publishConfig)) {
    if (key === 'registry' || key.endsWith(':registry')) {
      fail(`${path} sets publishConfig.${key}; the registry is chosen by the release script only`);
    }
  }
}

const env = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_config_(@[^:]+:)?registry$/i.test(key)),
  ),
  TURBO_TELEMETRY_DISABLED: '1',
  // Read by each package's prepublishOnly guard (release-guard.mjs), which refuses a publish
  // not started here or headed for another registry.
  FOUNDATION_RELEASE_REGISTRY: registry,
  npm_config_registry: registry,
  [`npm_config_${SCOPE}:registry`]: registry,
};

console.log(`release: publishing ${packages.length} packages to ${registry}`);
const run = (args) => execFileSync('pnpm', args, { cwd: root, env, stdio: 'inherit' });
run([
  'exec',
  'turbo',
  'run',
  'build',
  ...packages.map(({ manifest }) => `--filter=${manifest.name}`),
]);
run(['exec', 'changeset', 'publish']);
