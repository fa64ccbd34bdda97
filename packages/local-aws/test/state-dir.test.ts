import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GenerateRandomCommand } from '@aws-sdk/client-kms';
import { LOCAL_PRINCIPALS } from '@kms-demo/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  LocalAwsError,
  loadOrCreateCredentials,
  loadOrCreatePrincipalCredentials,
  loadPrincipalCredentials,
  startLocalAws,
} from '../src/index.js';
import { kmsClient } from './support/clients.js';
import { makeStateDir, removeStateDir, startTempServer } from './support/temp-server.js';

const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.warn('Skipping the reused-pid lock test: process start times are read on Linux only.');
}

describe('one server per state dir', () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await makeStateDir();
  });
  afterAll(() => removeStateDir(stateDir));

  it('refuses a second server on the same state dir with STATE_DIR_IN_USE', async () => {
    const first = await startLocalAws({ stateDir });
    try {
      const second = startLocalAws({ stateDir });
      await expect(second).rejects.toBeInstanceOf(LocalAwsError);
      await expect(second).rejects.toMatchObject({ code: 'STATE_DIR_IN_USE' });
      // The first one is unharmed.
      await expect(
        kmsClient(first).send(new GenerateRandomCommand({ NumberOfBytes: 4 })),
      ).resolves.toBeDefined();
    } finally {
      await first.close();
    }
    // Once closed, the state dir is free again.
    const third = await startLocalAws({ stateDir });
    await third.close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(join(stateDir, 'server.lock'), `${dead}\n`, { mode: 0o600 });
    const server = await startLocalAws({ stateDir });
    await server.close();
  });

  it('records its pid, and on Linux its start time, in the lock', async () => {
    const server = await startLocalAws({ stateDir });
    try {
      const lock = await readFile(join(stateDir, 'server.lock'), 'utf8');
      expect(lock).toMatch(
        process.platform === 'linux' ? new RegExp(`^${process.pid}\\n\\d+\\n$`) : /^\d+\n/,
      );
    } finally {
      await server.close();
    }
  });

  it('treats a plain-pid lock (older format) naming a live process as held', async () => {
    await writeFile(join(stateDir, 'server.lock'), `${process.ppid}\n`, { mode: 0o600 });
    try {
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({
        code: 'STATE_DIR_IN_USE',
      });
    } finally {
      await rm(join(stateDir, 'server.lock'), { force: true });
    }
  });

  it.skipIf(!onLinux)(
    'takes over a lock whose pid now belongs to another process (start time differs)',
    async () => {
      // A crashed server's pid reused by an unrelated, live process.
      const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        await writeFile(join(stateDir, 'server.lock'), `${unrelated.pid}\n1\n`, {
          mode: 0o600,
        });
        const server = await startLocalAws({ stateDir });
        await server.close();
      } finally {
        unrelated.kill();
      }
    },
  );

  it('frees the state dir when start fails half-way (port in use)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startLocalAws({ stateDir, port })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
      });
    } finally {
      blocker.close();
    }
    const server = await startLocalAws({ stateDir });
    await server.close();
  });
});

describe('a damaged table store', () => {
  it('is reported as DYNAMODB_DAMAGED instead of crashing, keeps its files, and frees the state dir', async () => {
    const stateDir = await makeStateDir();
    try {
      const first = await startLocalAws({ stateDir });
      await first.close();
      await writeFile(join(stateDir, 'dynamodb', 'CURRENT'), 'not a manifest name\n');
      const files = await readdir(join(stateDir, 'dynamodb'));
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({ code: 'DYNAMODB_DAMAGED' });
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({ code: 'DYNAMODB_DAMAGED' });
      expect(await readdir(join(stateDir, 'dynamodb'))).toEqual(files);
    } finally {
      await removeStateDir(stateDir);
    }
  });
});

describe('loopback only', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1'])(
    'refuses host %s with NON_LOOPBACK_HOST',
    async (host) => {
      const stateDir = await makeStateDir();
      try {
        await expect(startLocalAws({ stateDir, host })).rejects.toMatchObject({
          code: 'NON_LOOPBACK_HOST',
        });
      } finally {
        await removeStateDir(stateDir);
      }
    },
  );

  it('treats 127.0.0.0/8, ::1 and localhost as loopback', () => {
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      'localhost',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('listens on ::1 and 127.0.0.2 and reports a usable endpoint', async () => {
    for (const host of ['::1', '127.0.0.2']) {
      const server = await startTempServer({ host, bootstrap: false });
      try {
        expect(server.endpoint).toMatch(
          host === '::1' ? /^http:\/\/\[::1\]:\d+$/ : /^http:\/\/127\.0\.0\.2:\d+$/,
        );
        await expect(
          kmsClient(server).send(new GenerateRandomCommand({ NumberOfBytes: 4 })),
        ).resolves.toBeDefined();
      } finally {
        await server.dispose();
      }
    }
  });
});

describe('credentials', () => {
  it('are generated once per state dir, AWS-shaped, and stored 0600', async () => {
    const stateDir = await makeStateDir();
    try {
      const created = await loadOrCreateCredentials(stateDir);
      expect(created.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(created.secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
      const again = await loadOrCreateCredentials(stateDir);
      expect(again.accessKeyId).toBe(created.accessKeyId);
      expect(again.secretAccessKey === created.secretAccessKey).toBe(true);
      expect((await stat(join(stateDir, 'credentials'))).mode & 0o777).toBe(0o700);
      const all = await loadOrCreatePrincipalCredentials(stateDir);
      expect(all.admin).toEqual(created);
      for (const name of LOCAL_PRINCIPALS) {
        const path = join(stateDir, 'credentials', `${name}.json`);
        expect((await stat(path)).mode & 0o777, name).toBe(0o600);
        expect(await loadPrincipalCredentials(stateDir, name)).toEqual(all[name]);
      }
      expect(new Set(Object.values(all).map((c) => c.accessKeyId)).size).toBe(4);
      const elsewhere = await makeStateDir();
      try {
        expect((await loadOrCreateCredentials(elsewhere)).accessKeyId).not.toBe(
          created.accessKeyId,
        );
      } finally {
        await removeStateDir(elsewhere);
      }
    } finally {
      await removeStateDir(stateDir);
    }
  });

  it("turn an old state dir's single credentials.json into admin's, and remove it", async () => {
    const stateDir = await makeStateDir();
    try {
      const old = { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', secretAccessKey: 'a'.repeat(40) };
      await writeFile(join(stateDir, 'credentials.json'), JSON.stringify(old), { mode: 0o600 });
      expect(await loadPrincipalCredentials(stateDir, 'admin')).toEqual(old);
      expect(await loadPrincipalCredentials(stateDir, 'app')).not.toEqual(old);
      await expect(stat(join(stateDir, 'credentials.json'))).rejects.toMatchObject({
        code: 'ENOENT',
      });
      expect(await loadOrCreateCredentials(stateDir)).toEqual(old);
    } finally {
      await removeStateDir(stateDir);
    }
  });

  it('refuse a tampered principal credentials file with CREDENTIALS_INVALID', async () => {
    const stateDir = await makeStateDir();
    try {
      await loadOrCreatePrincipalCredentials(stateDir);
      await writeFile(join(stateDir, 'credentials', 'app.json'), '{"accessKeyId":"x"}');
      await expect(loadPrincipalCredentials(stateDir, 'admin')).rejects.toMatchObject({
        code: 'CREDENTIALS_INVALID',
      });
    } finally {
      await removeStateDir(stateDir);
    }
  });

  it('refuse a tampered credentials file with CREDENTIALS_INVALID', async () => {
    const stateDir = await makeStateDir();
    try {
      await writeFile(join(stateDir, 'credentials.json'), '{"accessKeyId":"x"}', { mode: 0o600 });
      await expect(loadOrCreateCredentials(stateDir)).rejects.toMatchObject({
        code: 'CREDENTIALS_INVALID',
      });
    } finally {
      await removeStateDir(stateDir);
    }
  });
});
