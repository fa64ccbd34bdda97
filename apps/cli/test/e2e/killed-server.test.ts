import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

const serverPid = async () =>
  (JSON.parse(await readFile(join(sandbox.stateDir, 'server.json'), 'utf8')) as { pid: number })
    .pid;

describe('a background server killed with SIGKILL', () => {
  // A killed server stays a zombie until its parent (init, once the command that started
  // it has exited) reaps it; on some machines that takes seconds, and the zombie's pid
  // still answers signal 0. Several rounds, since a fast reaper can hide the bug once.
  it('is replaced by the very next command, which succeeds with the data stored before', async () => {
    const enc = await sandbox.run(['encrypt'], { input: 'kept across a crash' });
    expect(enc.code, enc.stderr).toBe(0);
    const id = enc.stdout.trim();
    for (let round = 0; round < 3; round++) {
      const pid = await serverPid();
      process.kill(pid, 'SIGKILL');
      const dec = await sandbox.run(['decrypt', id]);
      expect(dec.code, `round ${round}: ${dec.stderr}`).toBe(0);
      expect(dec.stdout).toBe('kept across a crash\n');
      expect(dec.stderr).toContain('just started');
      expectCleanStderr(dec.stderr);
      expect(await serverPid()).not.toBe(pid);
    }
  });
});
