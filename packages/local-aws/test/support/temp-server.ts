import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalAws, type LocalAwsOptions, startLocalAws } from '../../src/index.js';

/** A fresh, empty state dir under the system temp dir. */
export function makeStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kms-demo-local-aws-'));
}

export function removeStateDir(stateDir: string): Promise<void> {
  return rm(stateDir, { recursive: true, force: true });
}

/**
 * A server of a test's own (for restarts, faults, auth off…) on a free port. Close it in
 * afterAll/afterEach; `dispose` closes it if still open and removes its state dir.
 */
export async function startTempServer(
  options: Partial<LocalAwsOptions> = {},
): Promise<LocalAws & { dispose(): Promise<void> }> {
  const stateDir = options.stateDir ?? (await makeStateDir());
  let server: LocalAws;
  try {
    server = await startLocalAws({ port: 0, ...options, stateDir });
  } catch (error) {
    if (!options.stateDir) await removeStateDir(stateDir);
    throw error;
  }
  return {
    ...server,
    async dispose() {
      await server.close();
      if (!options.stateDir) await removeStateDir(stateDir);
    },
  };
}
