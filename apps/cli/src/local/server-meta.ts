import { BUILD_ID } from '../version.js';

/**
 * What a local server started by this CLI records in server.json: the build that runs it,
 * and whether a command started it in the background (then a user's `local start` takes it over)
 * or a user ran `kms-demo local start` (then it is the user's, and only they stop it).
 */
export interface ServerMeta {
  buildId: string;
  autoStarted?: 'true';
}

export function serverMeta(o: { autoStarted: boolean }): Record<string, string> {
  const meta: ServerMeta = { buildId: BUILD_ID, ...(o.autoStarted ? { autoStarted: 'true' } : {}) };
  return { ...meta };
}

/** How a running server relates to this build. */
export type ServerOrigin = 'current' | 'stale-background' | 'other-build' | 'unknown';

/**
 * `stale-background`: started in the background by another build, so it runs other code
 * than this CLI; it is used as it is (stopping it would fail that build's commands in
 * flight) until it idles out or a user's `local start` takes over. `other-build`: a user's `local start` of another build; use
 * it as it is. `unknown`: no build recorded (an older CLI); use it as it is too, since
 * nothing says whose it is.
 */
export function serverOrigin(meta: Record<string, string> | undefined): ServerOrigin {
  if (meta?.buildId === undefined) return 'unknown';
  if (meta.buildId === BUILD_ID) return 'current';
  return meta.autoStarted === 'true' ? 'stale-background' : 'other-build';
}
