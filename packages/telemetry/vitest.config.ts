import { readFileSync } from 'node:fs';
import { foundationVitest } from '@foundation/vitest-config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default foundationVitest({
  define: { __FOUNDATION_TELEMETRY_VERSION__: JSON.stringify(version) },
});
