import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, cliRoot, Sandbox } from './cli.js';

// The README opens with a sample session, stdout and stderr interleaved as a terminal
// shows them. It is run here for real on a fresh state dir and compared line by line,
// with only the id and the port put back to the README's.
let sandbox: Sandbox;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  sandbox = await Sandbox.create();
  const bin = join(sandbox.dir, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, 'kms-demo'),
    `#!/bin/sh\nexec '${process.execPath}' '${bundle}' "$@"\n`,
    {
      mode: 0o755,
    },
  );
  // The default state dir under HOME, so the announcement shows `~/.local/state/kms-demo`.
  env = sandbox.env({
    PATH: `${bin}:/usr/bin:/bin`,
    KMS_DEMO_HOME: join(sandbox.home, '.local', 'state', 'kms-demo'),
  });
});
afterAll(async () => {
  await runShell('kms-demo local stop');
  await sandbox?.dispose();
});

/** stdout and stderr of a shell line on one pipe, in the order they were written. */
function runShell(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${line} 2>&1`], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The first ```sh block of the README: `$ command` lines, each with the lines it prints. */
async function sampleSession(): Promise<Array<{ command: string; output: string[] }>> {
  const text = await readFile(join(cliRoot, 'README.md'), 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
  const steps: Array<{ command: string; output: string[] }> = [];
  for (const line of block.split('\n').filter((l) => l !== '')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), output: [] });
    else steps.at(-1)?.output.push(line);
  }
  return steps;
}

describe('the README sample session', () => {
  it('is what encrypt and decrypt print, in that order', async () => {
    const steps = await sampleSession();
    expect(steps.map((s) => s.command.split(' | ').at(-1)?.split(' ')[1])).toEqual([
      'encrypt',
      'decrypt',
    ]);
    const readmeId = steps[0]?.output.find((l) => /^[0-9a-z]{10}$/.test(l)) as string;
    const readmePort = /127\.0\.0\.1:(\d+)/.exec(steps[0]?.output.join('\n') ?? '')?.[1];
    let realId = '';
    for (const step of steps) {
      const output = await runShell(step.command.replaceAll(readmeId, realId || readmeId));
      const lines = output.split('\n').filter((l) => l !== '');
      realId ||= lines.find((l) => /^[0-9a-z]{10}$/.test(l)) ?? '';
      const shown = lines.map((l) =>
        l.replaceAll(realId, readmeId).replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${readmePort}`),
      );
      expect(shown, step.command).toEqual(step.output);
    }
  });
});
