import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, expectCleanStderr, type RunResult, Sandbox, storyLines } from './cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

async function run(args: string[], input?: string): Promise<RunResult> {
  const result = await sandbox.run(args, input === undefined ? {} : { input });
  expectCleanStderr(result.stderr);
  expect(result.stdout + result.stderr).not.toContain('\u001b[');
  return result;
}

async function encrypt(input: string, args: string[] = []): Promise<string> {
  const r = await run(['encrypt', ...args], input);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

describe('encrypt and decrypt', () => {
  it('round-trips a secret piped on stdin; stdout is the id alone, the story is on stderr', async () => {
    const enc = await run(['encrypt'], 'correct horse battery\n');
    expect(enc.code, enc.stderr).toBe(0);
    expect(enc.stdout).toMatch(/^[0-9a-z]{10}\n$/);
    const id = enc.stdout.trim();
    expect(enc.stderr).toContain('-->> Encrypting your very secret password');
    expect(enc.stderr).toContain(
      `A new encrypted password for user: ${id} has been stored in table demo-kms`,
    );
    expect(enc.stderr.match(/using the local emulator/g)).toHaveLength(1);
    expect(enc.stdout + enc.stderr).not.toContain('correct horse');

    const dec = await run(['decrypt', id]);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout).toBe('correct horse battery\n');
    expect(dec.stderr).not.toContain('correct horse');
  });

  it('strips exactly one trailing newline from stdin', async () => {
    const id = await encrypt('two newlines\n\n');
    expect((await run(['decrypt', id])).stdout).toBe('two newlines\n\n');
    const crlf = await encrypt('windows\r\n');
    expect((await run(['decrypt', crlf])).stdout).toBe('windows\n');
  });

  it('accepts a secret on argv with a one-line warning about history and ps', async () => {
    const r = await run(['encrypt', 'argv-secret']);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/shell history.*ps/);
    expect((await run(['decrypt', r.stdout.trim()])).stdout).toBe('argv-secret\n');
  });

  it('gives every secret a new id, even for the same secret', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await encrypt('same'));
    expect(new Set(ids).size).toBe(4);
  });

  it('prints JSON objects with --json', async () => {
    const enc = await run(['encrypt', '--json'], 'json-secret');
    expect(enc.code, enc.stderr).toBe(0);
    const info = JSON.parse(enc.stdout);
    expect(info).toMatchObject({ scheme: 'envelope', table: 'demo-kms' });
    expect(info.keyArn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    const dec = await run(['decrypt', info.appuser, '--json']);
    expect(JSON.parse(dec.stdout)).toMatchObject({
      appuser: info.appuser,
      encoding: 'utf8',
      secret: 'json-secret',
    });
  });

  it('keeps a binary secret intact: raw bytes as text, base64 in JSON', async () => {
    // Not UTF-8: a lone continuation byte, an overlong form, 0xff, and a NUL.
    const bytes = Buffer.from([0x80, 0xc0, 0xaf, 0xff, 0x00, 0x41, 0xfe]);
    const enc = await sandbox.run(['encrypt'], { input: bytes });
    expect(enc.code, enc.stderr).toBe(0);
    const id = enc.stdout.trim();
    const raw = await run(['decrypt', id]);
    expect(raw.stdoutBytes.equals(Buffer.concat([bytes, Buffer.from('\n')]))).toBe(true);
    const json = JSON.parse((await run(['decrypt', id, '--json'])).stdout);
    expect(json).toMatchObject({ appuser: id, encoding: 'base64' });
    expect(Buffer.from(json.secret, 'base64').equals(bytes)).toBe(true);
  });

  it('stores under a chosen user id and refuses to overwrite it', async () => {
    expect(await encrypt('alice-1', ['-u', 'alice'])).toBe('alice');
    const again = await run(['encrypt', '--user', 'alice'], 'alice-2');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect((await run(['decrypt', 'alice'])).stdout).toBe('alice-1\n');
  });

  it('round-trips with the direct KMS scheme', async () => {
    const id = await encrypt('direct-secret', ['--scheme', 'direct']);
    expect((await run(['decrypt', id])).stdout).toBe('direct-secret\n');
    expect((await run(['show', id])).stdout).toMatch(/^scheme:\s+direct$/m);
  });

  it('answers a bare `decrypt <id>` (run without yargs) as it does through yargs', async () => {
    const id = await encrypt('same either way');
    // `--no-json` changes nothing but makes yargs parse the command line.
    for (const user of [id, 'nosuchid', 'NOT VALID', '', '12345']) {
      const bare = await sandbox.run(['decrypt', user]);
      const parsed = await sandbox.run(['decrypt', user, '--no-json']);
      expect({ ...bare, user }).toEqual({ ...parsed, user });
    }
    expect((await sandbox.run(['decrypt', id])).stdout).toBe('same either way\n');
    // yargs reads a last word `help` as --help: a bare `decrypt help` is left to it.
    const help = await sandbox.run(['decrypt', 'help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kms-demo decrypt <user>');
  });

  it('fails with exit 1 and one line for an unknown id', async () => {
    const r = await run(['decrypt', 'nosuchuser']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const errors = storyLines(r.stderr).filter((l) => l.startsWith('kms-demo:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('nosuchuser');
  });

  it('shows the real error for a short secret that happens to be a word of it', async () => {
    // "kms" is in every KMS ARN and alias message; it is not the secret being quoted back.
    const r = await run(['encrypt', '--local', '--key', 'alias/nope'], 'kms');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kms-demo: KMS key alias\/nope was not found/m);
    expect(r.stderr).not.toContain('withheld');
  });

  it('treats a malformed id and an empty secret as usage errors (exit 2)', async () => {
    expect((await run(['decrypt', 'Not An Id'])).code).toBe(2);
    const empty = await run(['encrypt'], '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no secret on stdin');
  });
});

describe('list, show, delete, status', () => {
  it('lists ids, schemes and keys without any secret', async () => {
    const id = await encrypt('listed-secret');
    const r = await run(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^USER\s+SCHEME\s+KEY\s+CREATED$/m);
    expect(r.stdout).toMatch(new RegExp(`^${id}\\s+envelope\\s+arn:aws:kms:`, 'm'));
    expect(r.stdout).not.toContain('listed-secret');
    const json = JSON.parse((await run(['list', '--json'])).stdout) as Array<{ appuser: string }>;
    expect(json.map((i) => i.appuser)).toContain(id);
  });

  it('shows the stored item without decrypting it', async () => {
    const id = await encrypt('shown-secret');
    const r = await run(['show', id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ciphertext:\s+\d+ bytes, begins [0-9a-f]{32}…$/m);
    expect(r.stdout).toMatch(/^algorithm:\s+ALG_AES256_GCM/m);
    expect(r.stdout).toMatch(new RegExp(`^context:.*appuser=${id}.*table=demo-kms`, 'm'));
    expect(r.stdout + r.stderr).not.toContain('shown-secret');
  });

  it('deletes only with --yes when there is no terminal to ask on', async () => {
    const id = await encrypt('doomed');
    const refused = await run(['delete', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect((await run(['decrypt', id])).code).toBe(0);
    const done = await run(['delete', id, '--yes']);
    expect(done.code).toBe(0);
    expect((await run(['decrypt', id])).code).toBe(1);
  });

  it('status shows each value, where it came from, and that it is reachable', async () => {
    await encrypt('ensure-server');
    const r = await run(['status']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^key\s+alias\/demo-kms\s+default\s+reachable/m);
    expect(r.stdout).toMatch(/^table\s+demo-kms\s+default\s+reachable$/m);
    expect(r.stdout).toMatch(/^endpoint\s+http:\/\/127\.0\.0\.1:\d+\s+local server \(pid \d+\)/m);
    expect(r.stdout).toMatch(/^state\s+\S+\s+env KMS_DEMO_HOME/m);
    const json = JSON.parse((await run(['status', '--json'])).stdout);
    expect(json.target).toBe('local');
    expect(json.settings.key).toMatchObject({
      value: 'alias/demo-kms',
      source: 'default',
      reachable: true,
    });
  });
});

describe('output to a slow reader', () => {
  it('the largest secret reaches a reader that starts late, whole: decrypt exits only once it is written', async () => {
    // 384 KiB, six times a pipe's buffer: the CLI exits as soon as its output is written,
    // which must not be before the reader has taken all of it.
    const secret = randomBytes(288 * 1024).toString('base64');
    const id = await encrypt(secret);
    const child = spawn(process.execPath, [bundle, 'decrypt', id], {
      env: sandbox.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stdout.resume();
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`${secret}\n`);
  });
});

describe('output failures', () => {
  it.skipIf(!existsSync('/dev/full'))(
    'reports a full disk on stdout in one line, exit 1',
    async () => {
      const id = await encrypt('to a full disk');
      const full = openSync('/dev/full', 'w');
      const child = spawn(process.execPath, [bundle, 'decrypt', id], {
        env: sandbox.env(),
        stdio: ['ignore', full, 'pipe'],
      });
      const err: Buffer[] = [];
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      const code = await new Promise((resolve) => child.on('close', resolve));
      const stderr = Buffer.concat(err).toString('utf8');
      expect(code).toBe(1);
      expect(stderr).toContain('kms-demo: cannot write the output (ENOSPC)');
      expectCleanStderr(stderr);
    },
  );
});
