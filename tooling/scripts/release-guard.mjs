// The `prepublishOnly` guard of every public package: a publish goes ahead only when it was
// started by the release script (`pnpm run release`), and only to the registry that script
// chose. `changeset publish`, `pnpm publish` or `npm publish` run directly are refused: on
// their own they send the package to registry.npmjs.org whatever NPM_CONFIG_REGISTRY or an
// .npmrc say (changesets reads only the lower-case `npm_config_registry`).
const chosen = process.env.FOUNDATION_RELEASE_REGISTRY;
const name = process.env.npm_package_name ?? 'this package';

function refuse(message) {
  console.error(`release-guard: ${name}: ${message}`);
  process.exit(1);
}

if (!chosen) {
  refuse(
    'publish with `pnpm run release -- --registry <url>` (tooling/scripts/release.mjs), which ' +
      'chooses one registry and hands it to every publish; a direct publish would go to ' +
      'registry.npmjs.org',
  );
}
const normalise = (url) => url.replace(/\/?$/, '/');
for (const key of ['npm_config_registry', 'npm_config_@foundation:registry']) {
  const value = process.env[key];
  if (value && normalise(value) !== normalise(chosen)) {
    refuse(`${key} is ${value}, not the release's registry ${chosen}`);
  }
}
