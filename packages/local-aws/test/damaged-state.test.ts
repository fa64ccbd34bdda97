import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startLocalAws } from '../src/index.js';
import { dynamoClient } from './support/clients.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

// Issue 10 through the library: the CLI's e2e tests (apps/cli/test/e2e/damaged-state.test.ts)
// cover the same cases through real processes.

async function withData(): Promise<string> {
  const stateDir = await makeStateDir();
  const local = await startLocalAws({ stateDir });
  const ddb = dynamoClient(local);
  for (const user of ['alice', 'bob']) {
    await ddb.send(new PutItemCommand({ TableName: 'demo-kms', Item: { appuser: { S: user } } }));
  }
  ddb.destroy();
  await local.close();
  return stateDir;
}

describe('key material is never re-created over existing data', () => {
  it('a deleted kms/state.json with items in the table: KMS_STATE_LOST, nothing written', async () => {
    const stateDir = await withData();
    try {
      await rm(join(stateDir, 'kms', 'state.json'));
      const manifest = await readFile(join(stateDir, 'manifest.json'), 'utf8');
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({
        code: 'KMS_STATE_LOST',
        message: expect.stringContaining('2 stored item(s)'),
      });
      expect(await readdir(join(stateDir, 'kms'))).toEqual([]);
      expect(await readFile(join(stateDir, 'manifest.json'), 'utf8')).toBe(manifest);
    } finally {
      await removeStateDir(stateDir);
    }
  });

  it('a lost write-ahead log: DYNAMODB_DAMAGED with the counts, and the log is put back', async () => {
    const stateDir = await withData();
    try {
      const dir = join(stateDir, 'dynamodb');
      const log = (await readdir(dir)).find((n) => n.endsWith('.log')) as string;
      const kept = await readFile(join(dir, log));
      await rm(join(dir, log));
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({
        code: 'DYNAMODB_DAMAGED',
        message: expect.stringContaining('demo-kms: 0 of 2 items'),
      });
      await writeFile(join(dir, log), kept, { mode: 0o600 });
      const again = await startLocalAws({ stateDir });
      await again.close();
    } finally {
      await removeStateDir(stateDir);
    }
  });
});

describe('ownership and modes are checked before anything is trusted', () => {
  it('a credentials file 0644: STATE_DIR_UNSAFE naming the chmod, the mode left as it is', async () => {
    const stateDir = await withData();
    try {
      const creds = join(stateDir, 'credentials', 'admin.json');
      await chmod(creds, 0o644);
      await expect(startLocalAws({ stateDir })).rejects.toMatchObject({
        code: 'STATE_DIR_UNSAFE',
        message: expect.stringContaining(`chmod 600 '${creds}'`),
      });
      expect((await stat(creds)).mode & 0o777).toBe(0o644);
    } finally {
      await removeStateDir(stateDir);
    }
  });
});

describe('stale locks and leaked temp dirs', () => {
  it.skipIf(process.platform !== 'linux')(
    'an old pid-only server.lock naming a live process that is not ours is taken over',
    async () => {
      const stateDir = await makeStateDir();
      const foreign = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await writeFile(join(stateDir, 'server.lock'), `${foreign.pid}\n`, { mode: 0o600 });
        const local = await startLocalAws({ stateDir });
        await local.close();
      } finally {
        foreign.kill();
        await removeStateDir(stateDir);
      }
    },
  );

  it('a socket dir of a dead server is removed by the next start', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const leaked = join(tmpdir(), `kms-demo-ddb-${dead.pid}-test`);
    await mkdir(leaked, { mode: 0o700 });
    const stateDir = await makeStateDir();
    try {
      const local = await startLocalAws({ stateDir });
      await local.close();
      await expect(stat(leaked)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(leaked, { recursive: true, force: true });
      await removeStateDir(stateDir);
    }
  });
});
