import { readFileSync } from 'node:fs';
import { foundationTsup } from '@foundation/tsup-config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// The version is built in, so the OpenTelemetry instrumentation scope names it.
export default foundationTsup({
  define: { __FOUNDATION_TELEMETRY_VERSION__: JSON.stringify(version) },
});
