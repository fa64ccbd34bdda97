import { appendFile, readdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCleanStderr, type RunResult, Sandbox } from './cli.js';

/**
 * The local copy of looked-up events that `kms-demo audit` keeps under
 * <state>/audit-cache/: a repeat audit gives the same answer as a live one (--no-cache),
 * with what happened since, and never more than CloudTrail lets the caller see.
 */
let sandbox: Sandbox;
const secrets = [
  'audit-cache-secret-a-5d1e',
  'audit-cache-secret-b-c40f',
  'audit-cache-secret-c-77aa',
];
const ids: string[] = [];

interface AuditJson {
  operation: string;
  user: string;
  event: { EventId: string; CloudTrailEvent: string };
  record: { eventID: string };
}

async function run(args: string[], o: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = await sandbox.run(args, o);
  expectCleanStderr(result.stderr);
  return result;
}

async function encrypt(secret: string): Promise<string> {
  const r = await run(['encrypt'], { input: secret });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function decrypt(id: string): Promise<void> {
  const r = await run(['decrypt', id]);
  expect(r.code, r.stderr).toBe(0);
}

async function auditJson(args: string[], env?: NodeJS.ProcessEnv): Promise<AuditJson[]> {
  const r = await run(['audit', ...args, '--json'], env ? { env } : {});
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AuditJson[];
}

/** The cached answer and the live one (--no-cache), which must be the same. */
async function cachedAndLive(args: string[]): Promise<AuditJson[]> {
  const cached = await auditJson(args);
  const live = await auditJson([...args, '--no-cache']);
  expect(cached).toEqual(live);
  return cached;
}

const cacheDir = () => join(sandbox.stateDir, 'audit-cache', 'local');

/** Every record the cache holds, as text: the data file's blocks, inflated. */
async function cachedText(dir = cacheDir()): Promise<string> {
  const index = await readFile(join(dir, 'index'));
  const lines = index.toString('latin1').split('\n');
  const meta = JSON.parse(Buffer.from(lines[1] ?? '', 'latin1').toString('utf8')) as {
    data: string;
    blocks: number[];
  };
  const data = await readFile(join(dir, meta.data));
  let text = '';
  for (let i = 0; i < meta.blocks.length; i += 2) {
    const [offset, length] = [meta.blocks[i] as number, meta.blocks[i + 1] as number];
    text += `${inflateSync(data.subarray(offset, offset + length)).toString('utf8')}\n`;
  }
  return text;
}

const eventIds = (events: AuditJson[]) => events.map((e) => e.event.EventId);

beforeAll(async () => {
  sandbox = await Sandbox.create('kms-demo-audit-cache-');
  ids.push(await encrypt(secrets[0] as string));
  await decrypt(ids[0] as string);
});

afterAll(async () => {
  await sandbox?.dispose();
});

describe('kms-demo audit with its local cache', () => {
  it('a repeat audit shows what happened since, once each, as the live answer does', async () => {
    const first = await cachedAndLive([]);
    expect(first.map((e) => e.operation)).toEqual(['Decrypt', 'GenerateDataKey']);
    ids.push(await encrypt(secrets[1] as string));
    await decrypt(ids[1] as string);
    await decrypt(ids[0] as string);
    const second = await auditJson([]);
    expect(second.map((e) => [e.operation, e.user])).toEqual([
      ['Decrypt', ids[0]],
      ['Decrypt', ids[1]],
      ['GenerateDataKey', ids[1]],
      ['Decrypt', ids[0]],
      ['GenerateDataKey', ids[0]],
    ]);
    expect(new Set(eventIds(second)).size).toBe(second.length);
    expect(second).toEqual(await auditJson(['--no-cache']));
    // The --json shape from the cache: the record is the event's CloudTrailEvent, parsed.
    for (const e of second) expect(JSON.parse(e.event.CloudTrailEvent)).toEqual(e.record);
    const table = await run(['audit']);
    expect(table.stdout).toBe((await run(['audit', '--no-cache'])).stdout);
  });

  it('a window or limit reaching past what the cache covers is looked up and kept', async () => {
    const limited = await run(['audit', '--limit', '1']);
    expect(limited.stderr).toContain('older ones left out (--limit 1)');
    for (const args of [['--limit', '2'], [ids[0] as string], ['--since', '2h'], ['--all']]) {
      await cachedAndLive(args);
    }
  });

  it('keeps its files owner-only (dirs 0700, files 0600) and holds no secret', async () => {
    const dirs = [join(sandbox.stateDir, 'audit-cache'), cacheDir()];
    for (const dir of dirs) expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const names = await readdir(cacheDir());
    expect(names).toContain('index');
    for (const name of names) {
      expect((await stat(join(cacheDir(), name))).mode & 0o777, name).toBe(0o600);
    }
    const text = await cachedText();
    expect(text).toContain(ids[1]);
    const raw = (
      await Promise.all(names.map((name) => readFile(join(cacheDir(), name), 'latin1')))
    ).join('');
    for (const secret of secrets) {
      for (const form of [secret, Buffer.from(secret).toString('base64')]) {
        expect(text).not.toContain(form);
        expect(raw).not.toContain(form);
      }
    }
  });

  it('two audits at once both answer in full and leave a cache that reads back', async () => {
    ids.push(await encrypt(secrets[2] as string));
    const runs = await Promise.all([auditJson([]), auditJson([]), auditJson([ids[2] as string])]);
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.[0]?.user).toBe(ids[2]);
    expect(runs[2]?.map((e) => e.operation)).toEqual(['GenerateDataKey']);
    const after = await run(['audit', '--json']);
    expect(after.stderr).not.toContain('audit cache');
    expect(JSON.parse(after.stdout)).toEqual(runs[0]);
  });

  it('after an audit killed while saving (lock, temporary index, bytes past the end left), answers right and saves again', async () => {
    const dir = cacheDir();
    const data = (await readdir(dir)).find((name) => name.startsWith('events-')) as string;
    await appendFile(join(dir, data), Buffer.alloc(1000, 0x5a));
    await writeFile(join(dir, 'index.999999.0badc0de.tmp'), 'half an index');
    await writeFile(join(dir, 'lock'), '999999');
    const index = await readFile(join(dir, 'index'));
    await decrypt(ids[2] as string);
    // A lock that is not old yet: another audit may be saving; this one answers unsaved.
    const held = await auditJson([]);
    expect(held[0]).toMatchObject({ operation: 'Decrypt', user: ids[2] });
    expect(held).toEqual(await auditJson(['--no-cache']));
    expect(await readFile(join(dir, 'index'))).toEqual(index);
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(join(dir, 'lock'), old, old);
    const r = await run(['audit', '--json']);
    expect(r.stderr).not.toContain('audit cache');
    expect(JSON.parse(r.stdout)).toEqual(held);
    expect(await readFile(join(dir, 'index'))).not.toEqual(index);
    expect((await readdir(dir)).sort()).toEqual([data, 'index'].sort());
    expect(JSON.parse((await run(['audit', '--json'])).stdout)).toEqual(held);
  });

  it('a damaged index is discarded with a one-line note, and the answer is still right', async () => {
    const index = join(cacheDir(), 'index');
    await truncate(index, (await stat(index)).size - 7);
    const r = await run(['audit', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stderr.split('\n').filter((l) => l.includes('audit cache'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/audit cache in .+ is damaged .+; rebuilding it from CloudTrail$/);
    expect(JSON.parse(r.stdout)).toEqual(await auditJson(['--no-cache']));
    expect((await run(['audit'])).stderr).not.toContain('audit cache');
  });

  it('a damaged data file is discarded with a one-line note, and --json is still right', async () => {
    const data = (await readdir(cacheDir())).find((name) => name.startsWith('events-'));
    const path = join(cacheDir(), data as string);
    const bytes = await readFile(path);
    bytes.fill(0x41, 0, Math.min(bytes.length, 64));
    await writeFile(path, bytes);
    const r = await run(['audit', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/audit cache .+ is damaged/g)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual(await auditJson(['--no-cache']));
  });

  it('a principal that may not look events up sees nothing, cached or not', async () => {
    const as = async (principal: string) => {
      const r = await run(['local', 'env', '--json', '--as', principal]);
      expect(r.code, r.stderr).toBe(0);
      const vars = JSON.parse(r.stdout) as Record<string, string>;
      return {
        AWS_ENDPOINT_URL: vars.AWS_ENDPOINT_URL,
        AWS_REGION: vars.AWS_REGION,
        AWS_ACCESS_KEY_ID: vars.AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: vars.AWS_SECRET_ACCESS_KEY,
      };
    };
    // The same endpoint and region as AWS settings: one cache, filled by the auditor.
    const auditor = await auditJson([ids[0] as string], await as('auditor'));
    expect(auditor.length).toBeGreaterThan(0);
    const awsCaches = (await readdir(join(sandbox.stateDir, 'audit-cache'))).filter((n) =>
      n.startsWith('aws-'),
    );
    expect(awsCaches).toHaveLength(1);
    const denied: RunResult = await run(['audit', ids[0] as string, '--json'], {
      env: await as('app'),
    });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toMatch(/needs cloudtrail:LookupEvents/);
    expect(denied.stderr).not.toContain(ids[0]);
  });

  it('after local reset, shows none of the erased trail', async () => {
    const before = eventIds(await auditJson(['--all']));
    expect(before.length).toBeGreaterThan(0);
    const reset = await run(['local', 'reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    const fresh = await encrypt('after-reset-secret-19ad');
    const r = await run(['audit', '--all', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(r.stdout) as AuditJson[];
    expect(after.map((e) => [e.operation, e.user])).toContainEqual(['GenerateDataKey', fresh]);
    for (const id of eventIds(after)) expect(before).not.toContain(id);
    expect(r.stderr).toMatch(/audit cache no longer matches CloudTrail .+; rebuilding it$/m);
    // Nothing of the erased trail stays on disk either.
    const kept = await cachedText();
    for (const id of before) expect(kept).not.toContain(id);
    expect(after).toEqual(await auditJson(['--all', '--no-cache']));
  });

  it('a cache directory that cannot be made: one note, and the answer from CloudTrail', async () => {
    const other = await Sandbox.create('kms-demo-audit-nocache-');
    try {
      const id = (
        await other.run(['encrypt'], { input: 'no-cache-dir-secret-3b0c' })
      ).stdout.trim();
      await writeFile(join(other.stateDir, 'audit-cache'), 'not a directory\n');
      const r = await other.run(['audit', id]);
      expectCleanStderr(r.stderr);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`GenerateDataKey\\s+kms-demo-app\\s+${id}\\s+ok`));
      const notes = r.stderr.split('\n').filter((l) => l.includes('audit cache'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatch(/cannot be used \(\w+\); asking CloudTrail for every event$/);
    } finally {
      await other.dispose();
    }
  });
});
