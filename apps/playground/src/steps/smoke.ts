import { createFoundation, type Foundation } from '@foundation/core';
import { createConfig } from '@foundation/config';
import { foundationSmokeTests, type SmokeTest } from '@foundation/devtools';
import { createEvent, deserialize, serialize } from '@foundation/events';
import { captureTelemetry, createTelemetry } from '@foundation/telemetry';
import { z } from 'zod';

const schema = z.object({ port: z.number().int().default(8080) });

/**
 * The playground's smoke suite: devtools' default Foundation suite (initialize, status, health,
 * ids, error context), with this application's real config, events and telemetry plugged in.
 * Returns the foundation too, so the caller shuts it down when the report is in.
 */
export function playgroundSmokeTests(): { foundation: Foundation; tests: SmokeTest[] } {
  const config = createConfig({ schema });
  const telemetry = createTelemetry();
  const foundation = createFoundation({
    services: [
      {
        name: 'config',
        start: () => undefined,
        stop: () => undefined,
        health: () => ({ status: 'healthy' }),
      },
    ],
  });
  const tests = foundationSmokeTests(foundation, {
    readConfig: () => config.get('port'),
    eventRoundTrip: () => {
      const original = createEvent('smoke.test', { at: Date.now() });
      const decoded = deserialize(serialize(original));
      return { original, decoded };
    },
    telemetry: () => {
      using capture = captureTelemetry([['smoke', 'tick']], { telemetry });
      telemetry.execute(['smoke', 'tick'], { count: 1 });
      return capture.events.length === 1;
    },
  });
  return { foundation, tests };
}
