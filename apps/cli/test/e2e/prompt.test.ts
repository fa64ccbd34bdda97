import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, cliRoot, Sandbox } from './cli.js';

// The hidden prompt needs a terminal; python3's pty module provides one.
const python = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
if (!python) console.warn('prompt e2e tests skipped: python3 with the pty module is not available');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

function onTerminal(answers: Array<[string, string]>, args: string[], env: NodeJS.ProcessEnv = {}) {
  return onTerminalRun(answers, [process.execPath, bundle, ...args], env);
}

/** The CLI run by `sh -c script` on the terminal; "$KMS" in the script is the CLI. */
function onTerminalSh(answers: Array<[string, string]>, script: string) {
  const kms = `'${process.execPath}' '${bundle}'`;
  return onTerminalRun(answers, ['/bin/sh', '-c', script.replaceAll('"$KMS"', kms)], {});
}

function onTerminalRun(
  answers: Array<[string, string]>,
  command: string[],
  env: NodeJS.ProcessEnv,
) {
  return new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const child = spawn(
      'python3',
      [join(cliRoot, 'test', 'e2e', 'pty-run.py'), JSON.stringify(answers), ...command],
      { env: sandbox.env(env) },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen: Buffer.concat(out).toString('utf8') }));
  });
}

describe.skipIf(!python)('the hidden prompt on a terminal', () => {
  it('asks twice without echoing, stores the secret, and decrypts it', async () => {
    const { code, screen } = await onTerminal(
      [
        ['Secret to encrypt: ', 'typed s3cret\r'],
        ['Type it again: ', 'typed s3cret\r'],
      ],
      ['encrypt'],
    );
    expect(code, screen).toBe(0);
    expect(screen).not.toContain('typed s3cret');
    const id = /^([0-9a-z]{10})\r?$/m.exec(screen)?.[1];
    expect(id, screen).toBeDefined();
    expect((await sandbox.run(['decrypt', id as string])).stdout).toBe('typed s3cret\n');
  });

  it('honours backspace', async () => {
    const { code, screen } = await onTerminal(
      [
        ['Secret to encrypt: ', 'abX\u007fc\r'],
        ['Type it again: ', 'abc\r'],
      ],
      ['encrypt'],
    );
    expect(code, screen).toBe(0);
    const id = /^([0-9a-z]{10})\r?$/m.exec(screen)?.[1] as string;
    expect((await sandbox.run(['decrypt', id])).stdout).toBe('abc\n');
  });

  it('stores nothing when the two entries differ (exit 2)', async () => {
    const { code, screen } = await onTerminal(
      [
        ['Secret to encrypt: ', 'one\r'],
        ['Type it again: ', 'two\r'],
      ],
      ['encrypt'],
    );
    expect(code).toBe(2);
    expect(screen).toContain('did not match; nothing was stored');
  });

  it('asks before deleting, and keeps the secret on "n"', async () => {
    const id = (await sandbox.run(['encrypt'], { input: 'keep me' })).stdout.trim();
    const { code, screen } = await onTerminal([['[y/N] ', 'n\r']], ['delete', id]);
    expect(code).toBe(1);
    expect(screen).toContain('nothing deleted');
    expect((await sandbox.run(['decrypt', id])).stdout).toBe('keep me\n');
    const yes = await onTerminal([['[y/N] ', 'y\r']], ['delete', id]);
    expect(yes.code, yes.screen).toBe(0);
    expect((await sandbox.run(['decrypt', id])).code).toBe(1);
  });

  it('colours status checks on a terminal, and not with NO_COLOR', async () => {
    expect((await sandbox.run(['list'])).code).toBe(0);
    const coloured = await onTerminal([], ['status']);
    expect(coloured.code, coloured.screen).toBe(0);
    expect(coloured.screen).toContain('\u001b[32mreachable');
    const plain = await onTerminal([], ['status'], { NO_COLOR: '1' });
    expect(plain.code, plain.screen).toBe(0);
    expect(plain.screen).toContain('reachable');
    expect(plain.screen).not.toContain('\u001b[');
  });

  it('Ctrl-C at the delete question cancels (exit 130), Ctrl-D ends input (exit 1), Enter keeps', async () => {
    const id = (await sandbox.run(['encrypt'], { input: 'still here' })).stdout.trim();
    const ctrlC = await onTerminal([['[y/N] ', '\u0003']], ['delete', id]);
    expect(ctrlC.code, ctrlC.screen).toBe(130);
    expect(ctrlC.screen).toMatch(/kms-demo: cancelled/);
    expect(ctrlC.screen).not.toMatch(/AbortError|unexpected/);
    const ctrlD = await onTerminal([['[y/N] ', '\u0004']], ['delete', id]);
    expect(ctrlD.code, ctrlD.screen).toBe(1);
    expect(ctrlD.screen).toMatch(/kms-demo: cancelled/);
    expect(ctrlD.screen).not.toMatch(/AbortError|unexpected/);
    const enter = await onTerminal([['[y/N] ', '\r']], ['delete', id]);
    expect(enter.code, enter.screen).toBe(1);
    expect(enter.screen).toContain('nothing deleted');
    expect((await sandbox.run(['decrypt', id])).stdout).toBe('still here\n');
  });

  it('Ctrl-C at the local reset question cancels with exit 130', async () => {
    const r = await onTerminal([['[y/N] ', '\u0003']], ['local', 'reset']);
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toMatch(/kms-demo: cancelled/);
  });

  it('Ctrl-D at an empty secret prompt is end of input: cancelled, exit 1', async () => {
    const r = await onTerminal([['Secret to encrypt: ', '\u0004']], ['encrypt']);
    expect(r.code, r.screen).toBe(1);
    expect(r.screen).toMatch(/kms-demo: cancelled/);
    const c = await onTerminal([['Secret to encrypt: ', '\u0003']], ['encrypt']);
    expect(c.code, c.screen).toBe(130);
  });

  it('prompts on the terminal even when stderr goes elsewhere', async () => {
    const enc = await onTerminalSh(
      [
        ['Secret to encrypt: ', 'blind\r'],
        ['Type it again: ', 'blind\r'],
      ],
      'exec "$KMS" encrypt 2>/dev/null',
    );
    expect(enc.code, enc.screen).toBe(0);
    expect(enc.screen).toContain('Type it again: ');
    const id = /^([0-9a-z]{10})\r?$/m.exec(enc.screen)?.[1] as string;
    const del = await onTerminalSh([['[y/N] ', 'n\r']], `exec "$KMS" delete ${id} 2>/dev/null`);
    expect(del.screen).toContain(`Delete the secret of user ${id}`);
    expect(del.code).toBe(1);
  });
});
