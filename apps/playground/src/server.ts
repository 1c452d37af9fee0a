/**
 * Starts the playground HTTP service: `PORT=3000 node dist/server.js`. On SIGTERM or SIGINT it
 * drains (`/readyz` flips to 503, in-flight requests finish, up to `DRAIN_MS`, 10 s by
 * default), then stops the foundation and exits; a second signal exits at once.
 */
import { handleShutdownSignals } from '@foundation/core';
import { createPlaygroundService, shutdownSteps } from './service.js';

const service = createPlaygroundService();
const address = await service.listen(
  Number(process.env.PORT ?? 3000),
  process.env.HOST ?? '127.0.0.1',
);
process.stdout.write(
  `Foundation playground service on http://${address.address}:${address.port}\n` +
    'routes: /livez /readyz /healthz /metrics /status /config /config/<path> /events/recent\n',
);
handleShutdownSignals({
  steps: shutdownSteps(service),
  drainTimeoutMs: Number(process.env.DRAIN_MS ?? 10_000),
  onEvent: (event) => {
    if (event.type === 'started') process.stdout.write(`${event.reason}: draining\n`);
    if (event.type === 'forced') process.stdout.write(`${event.signal}: exiting now\n`);
    if (event.type === 'finished') {
      const { stopped, failed, timedOut } = event.report;
      process.stdout.write(
        `stopped ${stopped.join(', ') || 'nothing'}` +
          (failed.length > 0 ? `; failed ${failed.map((f) => f.name).join(', ')}` : '') +
          (timedOut.length > 0 ? `; timed out ${timedOut.join(', ')}` : '') +
          '\n',
      );
    }
  },
});
