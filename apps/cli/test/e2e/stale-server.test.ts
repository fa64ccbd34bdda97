import { spawn } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '@kms-demo/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, cliRoot, expectCleanStderr, Sandbox } from './cli.js';

// Another build of the CLI: a copy of the real bundle (the executable and its chunks) with
// a different build id stamped in, next to dist/ so it finds the same dependencies. It
// starts servers exactly as that build would.
const otherDist = join(cliRoot, `dist-other-build-${process.pid}`);
const otherBundle = join(otherDist, 'kms-demo.js');
const OTHER_BUILD_HASH = 'feedfacefeedfacefeedfacefeedface';

let sandbox: Sandbox;
beforeAll(async () => {
  await cp(join(bundle, '..'), otherDist, { recursive: true });
  const files = (await readdir(otherDist, { recursive: true }))
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(otherDist, f));
  const stamped: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const hashes = buildHashes(text);
    if (hashes.length === 0) continue;
    stamped.push(...hashes);
    await writeFile(file, text.replace(hashes[0] as string, OTHER_BUILD_HASH));
  }
  if (stamped.length !== 1) throw new Error(`expected one build hash, found ${stamped.length}`);
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
  await rm(otherDist, { recursive: true, force: true });
});

/** The 32-hex-digit build hash scripts/build.mjs stamps into the bundle. */
/** The build id's hash: a quoted string of its own, or after `+` in the minified bundle. */
function buildHashes(text: string): string[] {
  return [...text.matchAll(/["+]([0-9a-f]{32})["`]/g)].map((m) => m[1] as string);
}

function runOther(args: string[], input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [otherBundle, ...args], {
      env: sandbox.env(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const serverJson = async () =>
  JSON.parse(await readFile(join(sandbox.stateDir, 'server.json'), 'utf8')) as {
    pid: number;
    meta?: Record<string, string>;
  };

// A stopped server has ended once it is a zombie, before init reaps it: signal 0 alone
// would still reach it.
const alive = (pid: number) => isProcessAlive(pid);

describe('a background server of another build', () => {
  // Issue 10, case 6: two builds replacing each other's background server failed 41 of
  // 60 commands with ECONNREFUSED. Now both use whichever server runs.
  it('is used as it is by both builds running commands at once: none fails, no data is lost', async () => {
    const before = await runOther(['encrypt'], 'stored by the other build');
    expect(before.code, before.stderr).toBe(0);
    expect(before.stderr).toContain('just started');
    const other = await serverJson();
    expect(other.meta).toMatchObject({ autoStarted: 'true' });
    expect(other.meta?.buildId).toContain(OTHER_BUILD_HASH);

    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0
          ? sandbox.run(['encrypt'], { input: `this build ${i}` })
          : runOther(['encrypt'], `other build ${i}`),
      ),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('just started');
      expectCleanStderr(r.stderr);
    }
    expect((await serverJson()).pid).toBe(other.pid);
    expect(alive(other.pid)).toBe(true);

    const dec = await sandbox.run(['decrypt', before.stdout.trim()]);
    expect(dec.code, dec.stderr).toBe(0);
    expect(dec.stdout).toBe('stored by the other build\n');
    for (const [i, r] of runs.entries()) {
      expect((await sandbox.run(['decrypt', r.stdout.trim()])).stdout).toBe(
        `${i % 2 === 0 ? 'this' : 'other'} build ${i}\n`,
      );
    }
    await sandbox.run(['local', 'stop']);
  }, 180_000);

  it("leaves a user's own `local start` of another build running, with a --verbose note", async () => {
    expect((await sandbox.run(['local', 'stop'])).code).toBe(0);
    const server = spawn(process.execPath, [otherBundle, 'local', 'start', '--port', '0'], {
      env: sandbox.env(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        server.stdout.once('data', (c: Buffer) => resolve(c.toString().trim()));
        server.once('exit', (code) => reject(new Error(`local start exited with ${code}`)));
      });
      const quiet = await sandbox.run(['list']);
      expect(quiet.code, quiet.stderr).toBe(0);
      expect(quiet.stderr).toContain(`using the local emulator at ${endpoint} `);
      expect(quiet.stderr).not.toContain('not started by this build');
      const verbose = await sandbox.run(['list', '--verbose']);
      expect(verbose.stderr).toContain(
        `that server (pid ${server.pid}) was not started by this build`,
      );
      expect(alive(server.pid ?? -1)).toBe(true);
      expect((await serverJson()).pid).toBe(server.pid);
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  });
});
