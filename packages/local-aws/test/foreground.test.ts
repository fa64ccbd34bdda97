import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { access, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateKeyCommand, GenerateRandomCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRunningServer, loadOrCreateCredentials, startLocalAws } from '../src/index.js';
import { ensureBuilt } from './support/built-package.js';
import { kmsClient } from './support/clients.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'support', 'foreground-child.mjs');

describe('runLocalAwsForeground in its own process, found through findRunningServer', () => {
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function spawnForeground(args: string[] = []) {
    const stateDir = await makeStateDir();
    const child = spawn(process.execPath, [CHILD, stateDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      await removeStateDir(stateDir);
    });
    return { stateDir, child, exited, output: () => ({ stdout, stderr }) };
  }

  it('records itself in server.json, serves requests, and stops cleanly on SIGTERM', async () => {
    const meta = { build: 'abc123', startedBy: 'test' };
    const { stateDir, child, exited, output } = await spawnForeground(['', JSON.stringify(meta)]);
    const running = await waitFor(() => findRunningServer(stateDir), child);
    expect(running.pid).toBe(child.pid);
    expect(running.meta).toEqual(meta);
    expect(output().stdout.trim()).toBe(running.endpoint);
    expect((await stat(join(stateDir, 'server.json'))).mode & 0o777).toBe(0o600);

    const credentials = await loadOrCreateCredentials(stateDir);
    const kms = kmsClient({ endpoint: running.endpoint, region: running.region, credentials });
    await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes: 8 }))).resolves.toBeDefined();

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().stderr).toBe('');
    // Every file the server wrote, dynalite's LevelDB files included, is owner-only.
    for (const file of await readdir(join(stateDir, 'dynamodb'), { recursive: true })) {
      const mode = (await stat(join(stateDir, 'dynamodb', file))).mode & 0o777;
      expect({ file, groupOrOther: mode & 0o077 }).toEqual({ file, groupOrOther: 0 });
    }
    await expect(access(join(stateDir, 'server.json'))).rejects.toThrow();
    expect(await findRunningServer(stateDir)).toBeUndefined();
    // State flushed and the lock released: the state dir is usable right away.
    const next = await startLocalAws({ stateDir });
    await next.close();
  });

  it('logs one line per internal error to stderr, without the request body', async () => {
    const { stateDir, child, output } = await spawnForeground();
    const running = await waitFor(() => findRunningServer(stateDir), child);
    // The KMS state dir replaced by a file: the next change cannot be saved.
    await rm(join(stateDir, 'kms'), { recursive: true });
    await writeFile(join(stateDir, 'kms'), '');
    const credentials = await loadOrCreateCredentials(stateDir);
    const kms = kmsClient({ endpoint: running.endpoint, region: running.region, credentials });
    await expect(
      kms.send(new CreateKeyCommand({ Description: 'marker-from-the-request-body' })),
    ).rejects.toMatchObject({ name: 'KMSInternalException', $metadata: { httpStatusCode: 500 } });
    const deadline = Date.now() + 5000;
    while (!output().stderr.includes('\n') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lines = output().stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z internal error in TrentService\.CreateKey: Error \[E[A-Z]+\]: /,
    );
    expect(output().stderr).not.toContain('marker-from-the-request-body');
  });

  it('stops by itself after its idle timeout, removing server.json', async () => {
    const { stateDir, child, exited } = await spawnForeground(['500']);
    const running = await waitFor(() => findRunningServer(stateDir), child);
    expect(running.meta).toBeUndefined();
    expect(await exited).toBe(0);
    await expect(access(join(stateDir, 'server.json'))).rejects.toThrow();
  });

  it('ignores a server.json left by a process that no longer runs', async () => {
    const stateDir = await makeStateDir();
    cleanups.push(() => removeStateDir(stateDir));
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(
      join(stateDir, 'server.json'),
      JSON.stringify({
        endpoint: 'http://127.0.0.1:9',
        pid: dead,
        region: 'us-east-1',
        startedAt: '',
      }),
    );
    expect(await findRunningServer(stateDir)).toBeUndefined();
    expect(await findRunningServer(join(stateDir, 'missing'))).toBeUndefined();
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, child: ChildProcess): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`child exited early with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting for the foreground server');
}
