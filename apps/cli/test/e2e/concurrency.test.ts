import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectCleanStderr, Sandbox } from './cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

it('20 concurrent invocations on a fresh state dir all succeed and lose nothing', async () => {
  const secrets = Array.from({ length: 20 }, (_, i) => `concurrent-secret-${i}`);
  // No server runs yet: all 20 race to bring one up.
  const encrypted = await Promise.all(secrets.map((s) => sandbox.run(['encrypt'], { input: s })));
  for (const r of encrypted) {
    expect(r.code, r.stderr).toBe(0);
    expectCleanStderr(r.stderr);
  }
  expect(encrypted.filter((r) => r.stderr.includes('just started'))).toHaveLength(1);
  const ids = encrypted.map((r) => r.stdout.trim());
  expect(new Set(ids).size).toBe(20);

  const decrypted = await Promise.all(ids.map((id) => sandbox.run(['decrypt', id])));
  decrypted.forEach((r, i) => {
    expect(r.code, r.stderr).toBe(0);
    expectCleanStderr(r.stderr);
    expect(r.stdout).toBe(`${secrets[i]}\n`);
  });

  const listed = JSON.parse((await sandbox.run(['list', '--json'])).stdout) as Array<{
    appuser: string;
  }>;
  expect(listed.map((i) => i.appuser).sort()).toEqual([...ids].sort());
});
