import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '@kms-demo/local-aws';
import { describe, expect, it } from 'vitest';
import { START_LOCK_FILE, tryAcquireStartLock } from '../../src/local/start-lock.js';
import { startUnderWay } from '../../src/local/start-under-way.js';

const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.log(
    `skipping the reused-pid start-lock test: process start times come from /proc, which ${process.platform} lacks`,
  );
}

describe('the background-server start lock', () => {
  it('is exclusive until released, and names its owner by pid and start time', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    const release = await tryAcquireStartLock(dir);
    expect(release).toBeDefined();
    const [pid, startTime] = (await readFile(join(dir, START_LOCK_FILE), 'utf8')).split('\n');
    expect(pid).toBe(String(process.pid));
    expect(startTime).toBe((await processStartTime(process.pid)) ?? '');
    expect(await tryAcquireStartLock(dir)).toBeUndefined();
    await release?.();
    expect(await tryAcquireStartLock(dir)).toBeDefined();
  });

  it('takes over at once a lock whose owner has died', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    await writeFile(join(dir, START_LOCK_FILE), dead);
    expect(await tryAcquireStartLock(dir)).toBeDefined();
    expect(await readFile(join(dir, START_LOCK_FILE), 'utf8')).toMatch(
      new RegExp(`^${process.pid}\\n`),
    );
  });

  it('keeps a pid-only lock (older versions) held by a live kms-demo process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
    // A command line naming kms-demo, as an older CLI's has.
    const older = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'kms-demo'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => older.once('spawn', resolve));
      await writeFile(join(dir, START_LOCK_FILE), String(older.pid));
      expect(await tryAcquireStartLock(dir)).toBeUndefined();
      expect(await tryAcquireStartLock(dir)).toBeUndefined();
    } finally {
      older.kill();
    }
  });

  it.skipIf(!onLinux)(
    'takes over a pid-only lock naming a live process that is not kms-demo (issue 10, case 9)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
      const foreign = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await writeFile(join(dir, START_LOCK_FILE), String(foreign.pid));
        const release = await tryAcquireStartLock(dir);
        expect(release).toBeDefined();
        await release?.();
      } finally {
        foreign.kill();
      }
    },
  );

  it.skipIf(!onLinux)(
    'takes over at once a lock whose pid now belongs to another process (start time differs)',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kms-demo-lock-'));
      const other = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        const pid = other.pid;
        if (pid === undefined) throw new Error('could not spawn sleep');
        const startTime = await processStartTime(pid);
        expect(startTime).toMatch(/^\d+$/);
        const path = join(dir, START_LOCK_FILE);

        // The live process's own start time: the lock is held.
        await writeFile(path, `${pid}\n${startTime}\n`);
        expect(await startUnderWay(dir)).toBe(true);
        expect(await tryAcquireStartLock(dir)).toBeUndefined();

        // Another start time: a crashed owner whose pid was reused, so the lock is stale.
        await writeFile(path, `${pid}\n${BigInt(startTime ?? '0') + 1n}\n`);
        expect(await startUnderWay(dir)).toBe(false);
        const release = await tryAcquireStartLock(dir);
        expect(release).toBeDefined();
        expect(await readFile(path, 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
        await release?.();
      } finally {
        other.kill();
      }
    },
  );
});
