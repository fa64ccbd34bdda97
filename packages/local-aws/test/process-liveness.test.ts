import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../src/index.js';
import { processStartTime, processState } from '../src/state/process-identity.js';
import { acquireStateLock } from '../src/state/state-lock.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

const onLinux = process.platform === 'linux';
if (!onLinux) {
  console.warn(
    'Skipping the zombie-process tests: process states are read from /proc on Linux only.',
  );
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await removeStateDir(dir);
});

/**
 * A zombie: a shell starts `sleep` in the background, prints its pid and becomes a `sleep`
 * itself, which never reaps children. Killing the inner sleep leaves it a zombie for as
 * long as the outer one runs, as a SIGKILLed server stays one until init reaps it.
 */
async function makeZombie(): Promise<number> {
  const parent = spawn('sh', ['-c', 'sleep 300 & echo $!; exec sleep 300'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(parent);
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (c: Buffer) => resolve(Number.parseInt(c.toString(), 10)));
    parent.once('error', reject);
  });
  // Until the shell has become `sleep` it could still reap its child itself (then no
  // zombie is ever left): wait for the exec before the kill.
  const parentPid = parent.pid as number;
  for (let i = 0; i < 500 && (await comm(parentPid)) !== 'sleep'; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 500 && processState(pid) !== 'Z'; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(processState(pid)).toBe('Z');
  return pid;
}

async function comm(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
}

describe.skipIf(!onLinux)('a process that has exited but is not yet reaped (zombie)', () => {
  it('is not alive, though signal 0 still reaches it', async () => {
    const pid = await makeZombie();
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(isProcessAlive(pid)).toBe(false);
  });

  it('holds no server.lock: a new server takes the state dir over at once', async () => {
    const pid = await makeZombie();
    const stateDir = await makeStateDir();
    dirs.push(stateDir);
    await writeFile(join(stateDir, 'server.lock'), `${pid}\n${await processStartTime(pid)}\n`);
    const lock = await acquireStateLock(stateDir);
    await lock.release();
  });
});

describe.skipIf(!onLinux)('a live process', () => {
  it('is alive', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
  });

  it('is alive even when its command name holds ") Z "', async () => {
    // The command name is field 2 of /proc/<pid>/stat, in parentheses; a parser that
    // stops at the first ')' would read this one's state as Z.
    const dir = await makeStateDir();
    dirs.push(dir);
    const program = join(dir, 'a) Z (b');
    await copyFile('/bin/sleep', program);
    await chmod(program, 0o755);
    const child = spawn(program, ['300'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    const pid = child.pid as number;
    expect(await readFile(`/proc/${pid}/stat`, 'utf8')).toMatch(/^\d+ \(a\) Z \(b\) [RSD] /);
    expect(isProcessAlive(pid)).toBe(true);
  });
});
