/**
 * Starts the playground HTTP service: `PORT=3000 node dist/server.js`. Stops cleanly on SIGINT
 * and SIGTERM.
 */
import { createPlaygroundService } from './service.js';

const service = createPlaygroundService();
const address = await service.listen(
  Number(process.env.PORT ?? 3000),
  process.env.HOST ?? '127.0.0.1',
);
process.stdout.write(
  `Foundation playground service on http://${address.address}:${address.port}\n` +
    'routes: /health /status /metrics /config /config/<path> /events/recent\n',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.stdout.write('stopped\n'));
  });
}
