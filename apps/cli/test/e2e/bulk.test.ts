import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExport, type Sample, samples, secretSet, toCsv, toJsonLines } from './bulk-data.js';
import { bundle, expectCleanStderr, Sandbox } from './cli.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.dispose();
  sandbox = undefined;
});

async function exported(s: Sandbox): Promise<Map<string, Buffer>> {
  const out = join(s.dir, `export-${Date.now()}.jsonl`);
  const result = await s.run(['export', '--out', out]);
  expect(result.code, result.stderr).toBe(0);
  expect((await stat(out)).mode & 0o777).toBe(0o600);
  return parseExport(await readFile(out, 'utf8'));
}

async function journalText(s: Sandbox): Promise<string> {
  const dir = join(s.stateDir, 'imports');
  const files = await readdir(dir);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
}

/** Fails if any secret (as text, or its base64) occurs in `text`. */
function expectNoSecret(text: string, list: Sample[]) {
  for (const { secret, binary } of list) {
    const needle = binary ? secret.toString('base64') : secret.toString('utf8');
    if (text.includes(needle)) throw new Error('a secret leaked');
  }
}

describe('kms-demo import and export', () => {
  it('round-trips 1,000 secrets (JSONL and CSV: quotes, commas, newlines, unicode, binary)', async () => {
    sandbox = await Sandbox.create();
    const jsonl = samples(500, 'j');
    const csv = samples(500, 'c');
    csv[0] = { ...(csv[0] as Sample), appuser: 'chosen-by-csv' };
    await writeFile(join(sandbox.dir, 'in.jsonl'), toJsonLines(jsonl));
    await writeFile(join(sandbox.dir, 'in.csv'), toCsv(csv));
    const rejects = join(sandbox.dir, 'rejects.jsonl');
    for (const file of ['in.jsonl', 'in.csv']) {
      const r = await sandbox.run([
        'import',
        join(sandbox.dir, file),
        '--json',
        '--rejects',
        rejects,
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ imported: 500, alreadyDone: 0, failed: 0 });
      expect(r.stderr).toMatch(/journal .*imports\/[0-9a-f]+\.jsonl/);
      expect(r.stderr).not.toContain('\u001b['); // no progress bar off a terminal
      expectCleanStderr(r.stderr);
      expectNoSecret(r.stderr, [...jsonl, ...csv]);
    }
    const back = await exported(sandbox);
    expect(back.size).toBe(1000);
    expect(secretSet(back.values())).toEqual(secretSet([...jsonl, ...csv].map((s) => s.secret)));
    expect(back.get('chosen-by-csv')?.equals((csv[0] as Sample).secret)).toBe(true);
    expectNoSecret(await journalText(sandbox), [...jsonl, ...csv]);
    expect((await stat(join(sandbox.stateDir, 'imports'))).mode & 0o077).toBe(0);

    // The same command again imports nothing twice.
    const again = await sandbox.run(['import', join(sandbox.dir, 'in.jsonl'), '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, alreadyDone: 500, failed: 0 });

    // An encrypted backup restores the same ids into the same table.
    const backup = join(sandbox.dir, 'backup.jsonl');
    expect((await sandbox.run(['export', '--encrypted', '--out', backup])).code).toBe(0);
    expectNoSecret(await readFile(backup, 'utf8'), [...jsonl, ...csv]);
    expect((await sandbox.run(['delete', 'chosen-by-csv', '--yes'])).code).toBe(0);
    const restored = await sandbox.run(['import', '--encrypted', backup, '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ imported: 1, alreadyDone: 999, failed: 0 });
    const other = await sandbox.run(['import', '--encrypted', backup, '--table', 'elsewhere']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("comes from table 'demo-kms', not 'elsewhere'");
  }, 240_000);

  it('fails lines naming taken ids alone, never overwriting; bad lines too; exit 1', async () => {
    sandbox = await Sandbox.create();
    const taken = await sandbox.run(['encrypt', '--user', 'taken-id'], { input: 'the original' });
    expect(taken.code, taken.stderr).toBe(0);
    const lines = [
      JSON.stringify({ appuser: 'fresh-1', secret: 'first fresh secret' }),
      JSON.stringify({ appuser: 'taken-id', secret: 'would overwrite' }),
      '{not json, "secret": "leaky"}',
      JSON.stringify({ appuser: 'BAD ID', secret: 'x' }),
      JSON.stringify({ appuser: 'fresh-1', secret: 'again' }),
      JSON.stringify({ secret: 'second fresh secret' }),
    ];
    await writeFile(join(sandbox.dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const rejects = join(sandbox.dir, 'rejects.jsonl');
    const dry = await sandbox.run(['import', join(sandbox.dir, 'in.jsonl'), '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('Dry run: 3 valid, 3 invalid; nothing was written');

    const r = await sandbox.run([
      'import',
      join(sandbox.dir, 'in.jsonl'),
      '--rejects',
      rejects,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 2, failed: 4 });
    const rejected = (await readFile(rejects, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejected.map((x) => [x.line, x.code])).toEqual(
      expect.arrayContaining([
        [2, 'CONFLICT'],
        [3, 'INVALID_INPUT'],
        [4, 'INVALID_ID'],
        [5, 'CONFLICT'],
      ]),
    );
    expect((await stat(rejects)).mode & 0o777).toBe(0o600);
    const all = `${r.stderr}${await readFile(rejects, 'utf8')}${await journalText(sandbox)}`;
    for (const secret of ['would overwrite', 'leaky', 'again', 'fresh secret']) {
      expect(all).not.toContain(secret);
    }
    const kept = await sandbox.run(['decrypt', 'taken-id']);
    expect(kept.stdout).toBe('the original\n');
  }, 120_000);

  it('completes under 50% injected throttling of KMS and DynamoDB with 0 failed, 0 lost', async () => {
    sandbox = await Sandbox.create();
    const list = samples(150, 't');
    await writeFile(join(sandbox.dir, 'in.jsonl'), toJsonLines(list));
    const faults = JSON.stringify({ kms: { rate: 0.5 }, dynamodb: { rate: 0.5 } });
    const r = await sandbox.run(['import', join(sandbox.dir, 'in.jsonl'), '--json'], {
      env: { KMS_DEMO_LOCAL_FAULTS: faults },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ imported: 150, failed: 0 });
    const back = await exported(sandbox);
    expect(secretSet(back.values())).toEqual(secretSet(list.map((s) => s.secret)));
  }, 240_000);

  it('export writes stdout when piped, and never overwrites --out', async () => {
    sandbox = await Sandbox.create();
    await sandbox.run(['encrypt'], { input: 'piped out' });
    const piped = await sandbox.run(['export']);
    expect(piped.code, piped.stderr).toBe(0);
    expect(parseExport(piped.stdout).size).toBe(1);
    const out = join(sandbox.dir, 'exists.jsonl');
    await writeFile(out, 'keep me');
    const refused = await sandbox.run(['export', '--out', out]);
    expect(refused.code).toBe(2);
    expect(await readFile(out, 'utf8')).toBe('keep me');
  });
});

/** Runs the CLI without waiting; resolves the child and a promise of its exit. */
function start(s: Sandbox, args: string[]) {
  const child = spawn(process.execPath, [bundle, ...args], {
    env: s.env(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  return { child, exited, stderr: () => stderr };
}

async function waitForDone(s: Sandbox, atLeast: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const text = await journalText(s).catch(() => '');
    if ((text.match(/"state":"done"/g) ?? []).length >= atLeast) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the import made no progress');
}

describe('an interrupted import, run again', () => {
  it('after SIGKILL of the import: every line stored exactly once', async () => {
    sandbox = await Sandbox.create();
    const list = samples(500, 'k');
    const input = join(sandbox.dir, 'in.jsonl');
    await writeFile(input, toJsonLines(list));
    const run = start(sandbox, ['import', input, '--concurrency', '4']);
    await waitForDone(sandbox, 100);
    run.child.kill('SIGKILL');
    await run.exited;

    const again = await sandbox.run(['import', input, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.failed).toBe(0);
    expect(summary.imported + summary.alreadyDone).toBe(500);
    expect(summary.alreadyDone).toBeGreaterThanOrEqual(100);
    const back = await exported(sandbox);
    expect(back.size).toBe(500);
    expect(secretSet(back.values())).toEqual(secretSet(list.map((s) => s.secret)));
  }, 240_000);

  it('after SIGKILL of the local server: the run fails loudly, the re-run completes, no duplicates', async () => {
    sandbox = await Sandbox.create();
    const list = samples(500, 's');
    const input = join(sandbox.dir, 'in.jsonl');
    await writeFile(input, toJsonLines(list));
    const run = start(sandbox, ['import', input, '--concurrency', '4']);
    await waitForDone(sandbox, 100);
    const { pid } = JSON.parse(await readFile(join(sandbox.stateDir, 'server.json'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const code = await run.exited;
    // Either the kill landed after the last write, or the run says it failed.
    if (code !== 0) {
      expect(code).toBe(1);
      expect(run.stderr()).toMatch(/\d+ failed/);
    }
    const again = await sandbox.run(['import', input, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.imported + summary.alreadyDone).toBe(500);
    const back = await exported(sandbox);
    expect(back.size).toBe(500);
    expect(secretSet(back.values())).toEqual(secretSet(list.map((s) => s.secret)));
  }, 240_000);
  it('a line journaled as done whose item is gone (local reset) is imported again, not skipped', async () => {
    sandbox = await Sandbox.create();
    const list = samples(20, 'r');
    const input = join(sandbox.dir, 'in.jsonl');
    await writeFile(input, toJsonLines(list));
    const first = await sandbox.run(['import', input, '--json']);
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 20, failed: 0 });
    expect((await sandbox.run(['local', 'reset', '--yes'])).code).toBe(0);
    const again = await sandbox.run(['import', input, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 20, alreadyDone: 0, failed: 0 });
    const back = await exported(sandbox);
    expect(secretSet(back.values())).toEqual(secretSet(list.map((s) => s.secret)));
  }, 120_000);
});
