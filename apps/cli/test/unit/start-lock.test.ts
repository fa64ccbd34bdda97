import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { START_LOCK_FILE, tryAcquireStartLock } from '../../src/local/start-lock.js';

describe('the background-server start lock', () => {
  it('is exclusive until released', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    const release = await tryAcquireStartLock(dir);
    expect(release).toBeDefined();
    expect(await readFile(join(dir, START_LOCK_FILE), 'utf8')).toBe(String(process.pid));
    expect(await tryAcquireStartLock(dir)).toBeUndefined();
    await release?.();
    expect(await tryAcquireStartLock(dir)).toBeDefined();
  });

  it('breaks a lock whose owner has died', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    await writeFile(join(dir, START_LOCK_FILE), dead);
    expect(await tryAcquireStartLock(dir)).toBeUndefined();
    expect(await tryAcquireStartLock(dir)).toBeDefined();
  });

  it('keeps a lock held by a live process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    await writeFile(join(dir, START_LOCK_FILE), String(process.ppid));
    expect(await tryAcquireStartLock(dir)).toBeUndefined();
    expect(await tryAcquireStartLock(dir)).toBeUndefined();
  });
});
