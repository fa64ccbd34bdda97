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
  return new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    const child = spawn(
      'python3',
      [
        join(cliRoot, 'test', 'e2e', 'pty-run.py'),
        JSON.stringify(answers),
        process.execPath,
        bundle,
        ...args,
      ],
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
});
