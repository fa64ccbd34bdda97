import { fileURLToPath } from 'node:url';
import { type EnsuredServer, ensureServer } from '@kms-demo/local-aws/state';
import { type ServerOrigin, serverOrigin } from './server-meta.js';

/** An auto-started server stops itself after this long without requests. */
export const AUTO_SERVER_IDLE_SECONDS = 600;

export interface LocalServer extends EnsuredServer {
  /** How the server relates to this build (see server-meta.ts). */
  origin: ServerOrigin;
}

/**
 * The local server for `stateDir` (local-aws's ensureServer): the running one, or a new
 * background server that runs this very CLI (`local start --background`) and stops
 * itself after AUTO_SERVER_IDLE_SECONDS without requests. A background server may be
 * restarted when it must be; a user's `local start` never is.
 */
export async function ensureLocalServer(stateDir: string): Promise<LocalServer> {
  const server = await ensureServer(stateDir, {
    command: {
      execPath: process.execPath,
      args: [
        // The script node runs, not this module's file: the bundle is split into chunks.
        process.argv[1] ?? fileURLToPath(import.meta.url),
        'local',
        'start',
        '--port',
        '0',
        '--idle-timeout',
        String(AUTO_SERVER_IDLE_SECONDS),
        '--background',
      ],
      env: serverEnv(),
    },
    restartable: (running) => running.meta?.autoStarted === 'true',
  });
  return { ...server, origin: server.started ? 'current' : serverOrigin(server.meta) };
}

/** The server needs no AWS settings of the user's, and outlives the command: leave them out. */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
  );
}
