import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundle, cliRoot, Sandbox } from './cli.js';

// Issue 11, item 3: the README's AWS CLI recipe, run line for line in one shell right
// after `pnpm demo` (which leaves a background server on a random port). `pnpm -s
// kms-demo` is a shim running the built CLI; the only change is the port of `local
// start`, a free one instead of 4566, which other processes on a test machine may hold.
const awsCli = findAws();
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

function findAws(): string | undefined {
  for (const candidate of [process.env.AWS_CLI_PATH, '/root/.pyenv/versions/3.11.7/bin/aws']) {
    if (candidate && spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v aws']).stdout.toString().trim();
  return which && spawnSync(which, ['--version']).status === 0 ? which : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The README's first block after "The local endpoint with the AWS CLI", comments dropped. */
async function recipe(): Promise<string[]> {
  const text = await readFile(join(cliRoot, '..', '..', 'README.md'), 'utf8');
  const section = text.slice(text.indexOf('## The local endpoint with the AWS CLI'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, ''))
    .filter((l) => l.trim() !== '');
}

it.skipIf(!awsCli)(
  "works after `pnpm demo`: `local start &` takes over the demo's background server",
  async () => {
    const demo = spawnSync(process.execPath, [join(cliRoot, 'scripts', 'demo.mjs')], {
      env: sandbox.env(),
    });
    expect(demo.status, demo.stderr.toString()).toBe(0);

    const bin = join(sandbox.dir, 'bin');
    await mkdir(bin, { recursive: true });
    const port = await freePort();
    await writeFile(
      join(bin, 'pnpm'),
      `#!/bin/sh
[ "$1" = -s ] && shift
[ "$1" = kms-demo ] && shift
if [ "$1 $2" = "local start" ]; then exec '${process.execPath}' '${bundle}' "$@" --port ${port}; fi
exec '${process.execPath}' '${bundle}' "$@"
`,
      { mode: 0o755 },
    );
    const lines = await recipe();
    expect(lines[0]).toBe('pnpm -s kms-demo local start &');
    // Whatever happens, the backgrounded server ends with the shell.
    const script = ['set -e', "trap 'kill $! 2>/dev/null; wait' EXIT", ...lines].join('\n');
    const shell = spawn('sh', ['-c', script], {
      env: sandbox.env({
        PATH: `${bin}:${dirname(awsCli as string)}:${dirname(process.execPath)}:/usr/bin:/bin`,
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    shell.stdout.on('data', (c: Buffer) => (stdout += c));
    shell.stderr.on('data', (c: Buffer) => (stderr += c));
    const code = await new Promise((resolve) => shell.on('close', resolve));
    expect(code, stdout + stderr).toBe(0);
    expect(stderr).toContain('Took over from the background server');
    expect(stdout).toContain(`http://127.0.0.1:${port}`);
    expect(stdout).toContain('"AliasName": "alias/demo-kms"');
    // The item the demo stored, served by the server that took over.
    expect(stdout).toMatch(/"Count": 1\b/);
  },
  120_000,
);
