import { type FileHandle, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StateFile } from '../src/kms/state-file.js';
import { createFileExclusive, writeFileAtomic } from '../src/state/state-dir.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

/**
 * Disk failures are injected by spying on Node's own FileHandle methods, the only way to
 * make a real write or fsync fail on demand; the files themselves are real.
 */
let dir: string;
let proto: FileHandle;
beforeEach(async () => {
  dir = await makeStateDir();
  const probe = await open(join(dir, 'probe'), 'w');
  proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await removeStateDir(dir);
});

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`injected ${code}`), { code });
}

/** Every fsync in order: on a directory or a file, and what the target held at that moment. */
function recordSyncs(target: string, failDirectorySync?: string) {
  const original = proto.sync;
  const syncs: { directory: boolean; target: string | undefined }[] = [];
  vi.spyOn(proto, 'sync').mockImplementation(async function (this: FileHandle) {
    const directory = (await this.stat()).isDirectory();
    syncs.push({ directory, target: await readFile(target, 'utf8').catch(() => undefined) });
    if (directory && failDirectorySync) throw errno(failDirectorySync);
    return original.call(this);
  });
  return syncs;
}

describe('writeFileAtomic', () => {
  it('replaces the content and keeps the file private (0600)', async () => {
    const target = join(dir, 'server.json');
    await writeFileAtomic(target, 'old');
    await writeFileAtomic(target, 'new');
    expect(await readFile(target, 'utf8')).toBe('new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it.each([
    ['the write', 'writeFile'],
    ['the flush', 'sync'],
  ] as const)('leaves the old file and no temp file behind when %s fails', async (_, method) => {
    const target = join(dir, 'server.json');
    await writeFileAtomic(target, 'old');
    vi.spyOn(proto, method).mockRejectedValueOnce(errno('EIO'));
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: 'EIO' });
    expect(await readFile(target, 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['probe', 'server.json']);
  });

  it('leaves no temp file behind when the rename fails (target is a directory)', async () => {
    const target = join(dir, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['probe', 'taken']);
  });

  it('flushes the directory after the rename, so the rename survives a power loss', async () => {
    const target = join(dir, 'server.json');
    const syncs = recordSyncs(target);
    await writeFileAtomic(target, 'new');
    // The file's data first (not yet in place), then the directory holding the renamed file.
    expect(syncs).toEqual([
      { directory: false, target: undefined },
      { directory: true, target: 'new' },
    ]);
  });

  it.each(['EISDIR', 'EINVAL'])(
    'tolerates a platform refusing to fsync a directory (%s)',
    async (code) => {
      const target = join(dir, 'server.json');
      recordSyncs(target, code);
      await writeFileAtomic(target, 'new');
      expect(await readFile(target, 'utf8')).toBe('new');
    },
  );

  it('reports a directory fsync that fails for a real reason (EIO)', async () => {
    const target = join(dir, 'server.json');
    recordSyncs(target, 'EIO');
    await expect(writeFileAtomic(target, 'new')).rejects.toMatchObject({ code: 'EIO' });
  });
});

describe('createFileExclusive (credentials.json, server.lock)', () => {
  it('flushes the content before the file appears, then the directory', async () => {
    const target = join(dir, 'credentials.json');
    const syncs = recordSyncs(target);
    expect(await createFileExclusive(target, 'secret')).toBe(true);
    // The content is on disk while the file is still invisible, so a power loss can never
    // leave it there but empty; the directory flush then makes its name durable.
    expect(syncs).toEqual([
      { directory: false, target: undefined },
      { directory: true, target: 'secret' },
    ]);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['credentials.json', 'probe']);
  });

  it('creates nothing and leaves no temp file behind when the flush fails', async () => {
    const target = join(dir, 'credentials.json');
    vi.spyOn(proto, 'sync').mockRejectedValueOnce(errno('EIO'));
    await expect(createFileExclusive(target, 'secret')).rejects.toMatchObject({ code: 'EIO' });
    expect(await readdir(dir)).toEqual(['probe']);
  });

  it('leaves an existing file alone and reports that it did not create it', async () => {
    const target = join(dir, 'credentials.json');
    expect(await createFileExclusive(target, 'first')).toBe(true);
    const syncs = recordSyncs(target);
    expect(await createFileExclusive(target, 'second')).toBe(false);
    expect(await readFile(target, 'utf8')).toBe('first');
    expect(syncs.filter((sync) => sync.directory)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['credentials.json', 'probe']);
  });

  it('reports a directory fsync that fails for a real reason (EIO)', async () => {
    const target = join(dir, 'credentials.json');
    recordSyncs(target, 'EIO');
    await expect(createFileExclusive(target, 'secret')).rejects.toMatchObject({ code: 'EIO' });
  });
});

describe('the KMS state file', () => {
  it('is written the same way: no temp file left on failure, directory flushed', async () => {
    const file = new StateFile(join(dir, 'kms'));
    vi.spyOn(proto, 'sync').mockRejectedValueOnce(errno('EIO'));
    await expect(file.write(() => '{"v":1}')).rejects.toMatchObject({ code: 'EIO' });
    expect(await readdir(join(dir, 'kms'))).toEqual([]);

    vi.restoreAllMocks();
    const syncs = recordSyncs(file.path);
    await file.write(() => '{"v":2}');
    expect(syncs.at(-1)).toEqual({ directory: true, target: '{"v":2}' });
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });
});
