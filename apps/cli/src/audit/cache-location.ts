import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { resolveStateDir } from '../config/state-dir.js';
import type { ResolvedConfig } from '../config/types.js';
import { displayPath, say } from '../io/output.js';
import { EventCache } from './event-cache.js';

export const CACHE_DIR = 'audit-cache';

/**
 * Which trail a cache copies, so two never mix: the local default's own trail, or an AWS
 * region reached through one endpoint and profile. Two accounts behind the same settings
 * (other credentials) share a name but not events: the cache is rebuilt when CloudTrail no
 * longer has its newest event, and records the account its events name.
 */
export function cacheTarget(config: ResolvedConfig): { name: string; target: string } {
  if (config.target === 'local') return { name: 'local', target: 'local' };
  const target = JSON.stringify([
    'aws',
    config.region.value,
    config.endpoint?.value ?? '',
    config.profile?.value ?? '',
  ]);
  const region = config.region.value.replace(/[^A-Za-z0-9-]/g, '_').slice(0, 40);
  const hash = createHash('sha256').update(target).digest('hex').slice(0, 12);
  return { name: `aws-${region}-${hash}`, target };
}

/**
 * The audit cache of the resolved target, under the state dir; undefined, with a
 * one-line note, when it cannot be used there (the audit then asks CloudTrail for all).
 */
export async function openCache(config: ResolvedConfig): Promise<EventCache | undefined> {
  let dir: string | undefined;
  try {
    const stateDir = config.target === 'local' ? config.stateDir.value : resolveStateDir().value;
    const { name, target } = cacheTarget(config);
    dir = join(stateDir, CACHE_DIR, name);
    const cache = new EventCache(dir, target);
    await cache.prepare();
    return cache;
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    say(
      `kms-demo: note: the audit cache${dir ? ` in ${displayPath(dir)}` : ''} cannot be used (${why}); asking CloudTrail for every event`,
    );
    return undefined;
  }
}
