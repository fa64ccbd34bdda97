import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, Sandbox } from './cli.js';

// Issue 11, item 16: a foreground `local start` says why it stopped.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

function startForeground(extra: string[] = []) {
  const child = spawn(process.execPath, [bundle, 'local', 'start', '--port', '0', ...extra], {
    env: sandbox.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    void exited.then(({ code }) => reject(new Error(`local start exited ${code}: ${stderr}`)));
  });
  return { ready, exited };
}

describe('a foreground local start', () => {
  it("after 'local reset --yes' says its data was erased, not that it stays", async () => {
    const server = startForeground();
    await server.ready;
    expect((await sandbox.run(['encrypt'], { input: 'gone soon' })).code).toBe(0);
    const reset = await sandbox.run(['local', 'reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    const { code, stderr } = await server.exited;
    expect(code).toBe(0);
    expect(stderr).toContain(
      "Local server stopped by 'kms-demo local reset', which erased its data",
    );
    expect(stderr).not.toContain('its data stays');
    expect(existsSync(sandbox.stateDir)).toBe(false);
  });

  it('after its idle timeout says so', async () => {
    const server = startForeground(['--idle-timeout', '1']);
    await server.ready;
    const { code, stderr } = await server.exited;
    expect(code).toBe(0);
    expect(stderr).toContain('Local server stopped after 1 s without requests (its idle timeout)');
    const status = await sandbox.run(['local', 'status']);
    expect(status.stdout).toContain('stopped after 1 s without requests');
  });

  it("after 'local stop' says who stopped it", async () => {
    const server = startForeground();
    await server.ready;
    expect((await sandbox.run(['local', 'stop'])).code).toBe(0);
    const { stderr } = await server.exited;
    expect(stderr).toContain("Local server stopped by 'kms-demo local stop'; its data stays in");
  });
});
