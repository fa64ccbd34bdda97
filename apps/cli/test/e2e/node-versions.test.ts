import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, cliRoot, expectCleanStderr, Sandbox } from './cli.js';

// Whatever Node runs this suite runs the CLI too; CI runs it on 22, 24 and 26 as well as
// the machine's own Node, so each expectation below is checked on every one of them.
const major = Number(process.versions.node.split('.')[0]);
const unsupported = major < 22;
const python = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

/** stdin, stdout and stderr on a terminal (python3's pty module). */
function onTerminal(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'python3',
      [join(cliRoot, 'test', 'e2e', 'pty-run.py'), '[]', process.execPath, bundle, ...args],
      { env: sandbox.env() },
    );
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(out).toString('utf8')));
  });
}

describe(`on Node ${process.version}`, () => {
  it('encrypt, list and decrypt work, and no SDK or Node warning reaches stderr', async () => {
    const enc = await sandbox.run(['encrypt'], { input: 'on every node' });
    expect(enc.code, enc.stderr).toBe(0);
    const list = await sandbox.run(['list']);
    expect(list.code, list.stderr).toBe(0);
    const dec = await sandbox.run(['decrypt', enc.stdout.trim()]);
    expect(dec).toMatchObject({ code: 0, stdout: 'on every node\n' });
    for (const r of [enc, list, dec]) {
      expectCleanStderr(r.stderr);
      expect(r.stderr).not.toMatch(/warning|deprecat|end of life/i);
    }
  });

  it.skipIf(!python)(
    unsupported
      ? 'says once on a terminal that this Node is past its end of life'
      : 'says nothing about the Node version on a terminal',
    async () => {
      const screen = await onTerminal(['local', 'status']);
      const notices = screen.split('\n').filter((l) => l.includes('is past its end of life'));
      expect(notices).toHaveLength(unsupported ? 1 : 0);
      // --help stays clean on a terminal too.
      expect(await onTerminal(['--help'])).not.toContain('end of life');
    },
  );

  it(
    major >= 22
      ? 'keeps compiled code in an owner-only ~/.cache/kms-demo/compile-cache'
      : 'keeps no compile cache (Node 20 has none)',
    async () => {
      const r = await sandbox.run(['--help']);
      expect(r.code).toBe(0);
      const dir = join(sandbox.home, '.cache', 'kms-demo', 'compile-cache');
      if (major < 22) {
        expect(() => statSync(dir)).toThrow();
        return;
      }
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir).length).toBeGreaterThan(0);
    },
  );
});
