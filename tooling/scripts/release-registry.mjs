// The throw-away registry of the release test: Verdaccio from the given config file, listening
// on 127.0.0.1 on a port the system picks. Prints `PORT <n>` once it listens. Started by
// release-test.mjs with an IPC channel, it exits as soon as that parent goes away, so a killed
// test never leaves a registry behind.
import { runServer } from 'verdaccio';

const [configPath] = process.argv.slice(2);
if (!configPath) {
  console.error('usage: release-registry.mjs <verdaccio config.yaml>');
  process.exit(2);
}

const server = await runServer(configPath);
server.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${server.address().port}`);
});
const stop = () => {
  server.close();
  process.exit(0);
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
