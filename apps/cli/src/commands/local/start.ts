import type { Argv, CommandModule } from 'yargs';
import { failedError, usageError } from '../../errors.js';
import type { GlobalOptions } from '../../global-options.js';
import { displayPath, out, say } from '../../io/output.js';

interface StartOptions extends GlobalOptions {
  port: number;
  idleTimeout?: number;
  background?: boolean;
}

export const DEFAULT_LOCAL_PORT = 4566;

export const localStartCommand: CommandModule<GlobalOptions, StartOptions> = {
  command: 'start',
  describe:
    'Run the local KMS + DynamoDB endpoint in the foreground; prints its URL (takes over from a background server)',
  builder: (y: Argv<GlobalOptions>) =>
    y
      .option('port', {
        type: 'number',
        default: DEFAULT_LOCAL_PORT,
        describe: 'TCP port on 127.0.0.1 (0 picks a free one)',
      })
      .option('idle-timeout', {
        type: 'number',
        describe: 'Stop after this many seconds without requests',
      })
      // Set by the commands that start the server in the background: such a server is
      // replaced by a user's `local start` (it takes over its data on the requested port).
      .option('background', { type: 'boolean', hidden: true })
      .example('$0 local start', 'Serve on http://127.0.0.1:4566 until Ctrl-C')
      .example('$0 local start --port 0', 'Serve on any free port')
      .example(
        'vars="$($0 local env)" && eval "$vars"',
        'Then, in another shell: point the AWS CLI at it',
      ),
  handler: async (argv) => {
    if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) {
      // yargs turns a non-number into NaN: show what was typed, not NaN.
      const given = Number.isNaN(argv.port) ? '' : `, not ${argv.port}`;
      throw usageError(`--port must be a TCP port number (0-65535)${given}`);
    }
    if (argv.idleTimeout !== undefined && !(argv.idleTimeout > 0)) {
      throw usageError('--idle-timeout must be a positive number of seconds');
    }
    // The server's longest start-up step, loading dynalite (in a worker thread), runs
    // beside loading the rest of the emulator and preparing the state dir.
    (await import('@kms-demo/local-aws/preload')).preloadDynalite();
    const { prepareStateDir, resolveStateDir } = await import('../../config/state-dir.js');
    const { serverMeta } = await import('../../local/server-meta.js');
    const { describeStop, runLocalAwsForeground, serverStatus, stopServer, tryAcquireStartLock } =
      await import('@kms-demo/local-aws');
    const dir = resolveStateDir();
    await prepareStateDir(dir);
    const stateDir = dir.value;
    // Holding the start lock until the server answers tells `local env` and the other
    // commands that a server is on its way, so they wait for it instead of deciding none
    // runs. A background server's starter already holds it for this process.
    const release = argv.background ? undefined : await tryAcquireStartLock(stateDir);
    let released = false;
    const releaseOnce = async () => {
      if (released) return;
      released = true;
      await release?.();
    };
    try {
      const status = await serverStatus(stateDir);
      if (status.state === 'unresponsive') {
        throw failedError(
          `a local server (pid ${status.pid}) holds ${displayPath(stateDir)} but does not answer; end it with 'kms-demo local stop'`,
        );
      }
      if (status.state === 'running') {
        const running = status.server;
        // A command's background server (after `pnpm demo`, say) is taken over: its data
        // is served here, on the port asked for, and its users find this one
        // (ensure-local-server.ts, rediscover.ts). A user's own server is left alone.
        if (argv.background || running.meta?.autoStarted !== 'true') {
          throw failedError(
            `a local server already serves ${displayPath(stateDir)} at ${running.endpoint} (pid ${running.pid}); stop it with 'kms-demo local stop'`,
          );
        }
        // Checked before the takeover, so a busy port leaves the background server up.
        if (argv.port !== 0 && !(await portFree(argv.port))) {
          throw failedError(
            `port ${argv.port} is in use; pick another with --port, or --port 0 for any free one`,
          );
        }
        await stopServer(stateDir, { onlyPid: running.pid, reason: 'takeover' });
        say(
          `Took over from the background server at ${running.endpoint} (pid ${running.pid}); its data is served here`,
        );
      }
      const stop = await runLocalAwsForeground({
        stateDir,
        port: argv.port,
        meta: serverMeta({ autoStarted: argv.background === true }),
        ...(argv.idleTimeout ? { idleTimeoutMs: argv.idleTimeout * 1000 } : {}),
        onReady: (server) => {
          void releaseOnce();
          out(server.endpoint);
          say(
            `Local KMS + DynamoDB for ${displayPath(stateDir)} listening at ${server.endpoint} (region ${server.region}); 'vars="$(kms-demo local env)" && eval "$vars"' points the AWS CLI at it; Ctrl-C stops it`,
          );
        },
      });
      const why = describeStop(stop);
      say(
        stop.reason === 'reset'
          ? `Local server ${why}`
          : `Local server ${why}; its data stays in ${displayPath(stateDir)}`,
      );
    } catch (error) {
      if (hasCode(error, 'EADDRINUSE')) {
        throw failedError(
          `port ${argv.port} is in use; pick another with --port, or --port 0 for any free one`,
          error,
        );
      }
      throw error;
    } finally {
      await releaseOnce();
    }
  },
};

function hasCode(error: unknown, code: string): boolean {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e.code === code) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Whether 127.0.0.1:`port` can be listened on right now. */
async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
