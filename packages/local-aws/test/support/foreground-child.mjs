// Runs the built foreground entry as a separate process, the way `kms-demo local start`
// does: argv = <stateDir> [idleTimeoutMs] [meta as JSON]. Prints the endpoint once ready.
import { runLocalAwsForeground } from '../../dist/index.js';

const [stateDir, idle, meta] = process.argv.slice(2);
await runLocalAwsForeground({
  stateDir,
  idleTimeoutMs: idle ? Number(idle) : undefined,
  meta: meta ? JSON.parse(meta) : undefined,
  onReady: (server) => process.stdout.write(`${server.endpoint}\n`),
});
