import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Resolved } from './types.js';

/**
 * The embedded local default keeps its state (emulator data, credentials, server.json)
 * under KMS_DEMO_HOME, else the XDG state directory, as the XDG Base Directory spec asks.
 */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): Resolved {
  if (env.KMS_DEMO_HOME) return { value: resolve(env.KMS_DEMO_HOME), source: 'env KMS_DEMO_HOME' };
  if (env.XDG_STATE_HOME) {
    return { value: join(resolve(env.XDG_STATE_HOME), 'kms-demo'), source: 'env XDG_STATE_HOME' };
  }
  return { value: join(homedir(), '.local', 'state', 'kms-demo'), source: 'default' };
}
