import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliRoot, expectCleanStderr, Sandbox } from './cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

it('pnpm demo walks through encrypt, show and decrypt on a fresh machine', async () => {
  const child = spawn(process.execPath, [join(cliRoot, 'scripts', 'demo.mjs')], {
    env: sandbox.env(),
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  expect(code, stdout + stderr).toBe(0);
  expect(stdout).toContain("$ printf 'mySuperSecretPasswd' | kms-demo encrypt");
  expect(stdout).toMatch(/^ciphertext:\s+\d+ bytes/m);
  expect(stdout).toContain('Is this your decrypted password? -> mySuperSecretPasswd');
  expect(stderr).toContain('-->> Encrypting your very secret password');
  expect(stderr).toContain('using the local emulator');
  expectCleanStderr(stderr);
});
