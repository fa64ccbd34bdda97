import { randomBytes } from 'node:crypto';
import {
  access,
  chmod,
  constants,
  type FileHandle,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import type { Event } from '@aws-sdk/client-cloudtrail';
import { type CachedEvent, type Columns, EventRows, FIELDS } from './event-rows.js';

/**
 * The local copy of looked-up KMS events, one directory per target under
 * `<state dir>/audit-cache/`:
 * - `index`: a header line (format, version, CRC-32 of the rest), a JSON line (target,
 *   coverage, blocks, interned strings) and binary columns (this machine's byte order),
 *   newest first: each event's time, shown fields, where its record is, and id. Replaced
 *   whole by rename, so a reader sees one complete version; a warm audit reads numbers,
 *   not 100,000 JSON objects.
 * - `events-<random>.bin`: the events as LookupEvents returned them, as JSON lines in
 *   zlib blocks of up to BLOCK_EVENTS, appended; bytes past the index's `dataLength` are
 *   a write that never committed and are cut off by the next writer.
 * - `lock`: held by the one audit writing (created exclusively); a writer that finds it
 *   held skips saving rather than waiting.
 */
const FORMAT = 'kms-demo-audit-cache';
const VERSION = 1;
const WIDTH = FIELDS.length;
const INDEX = 'index';
const LOCK = 'lock';
const DATA_PATTERN = /^events-[0-9a-f]{16}\.bin$/;
const BLOCK_EVENTS = 64;
/** A lock older than this was left by an audit that died while saving. */
const STALE_LOCK_MS = 60_000;
/** The data file is rewritten once less than half of it is still referenced. */
const COMPACT_MIN_BYTES = 1024 * 1024;
/** What the cache knows about a target's trail. */
export interface CacheState {
  /** Newest first. */
  events: EventRows;
  /** Every event at or after this time (epoch ms) is in `events`; undefined: none known. */
  completeSince: number | undefined;
  /** When the last live lookup that updated the cache started (epoch ms). */
  fetchedAt: number | undefined;
  /** The account the events were recorded in, when they say. */
  account: string | undefined;
}

/** The cache as read from disk. */
export interface StoredCache extends CacheState {
  /** The index version read (its checksum, `none` or `damaged`): a save replaces only it. */
  version: string;
  data: string | undefined;
  dataLength: number;
  /** Offset and length of each block in the data file. */
  blocks: Array<[number, number]>;
  /** The data file, opened with the index so a concurrent compaction cannot remove it. */
  handle: FileHandle | undefined;
}

export class CacheDamagedError extends Error {
  override readonly name = 'CacheDamagedError';
}

/** No events known; `version` is what a save must find to replace (see StoredCache). */
export const emptyCache = (version: string): StoredCache => ({
  events: EventRows.of([]),
  completeSince: undefined,
  fetchedAt: undefined,
  account: undefined,
  version,
  data: undefined,
  dataLength: 0,
  blocks: [],
  handle: undefined,
});

export class EventCache {
  constructor(
    /** `<state dir>/audit-cache/<target>`. */
    readonly dir: string,
    /** Which trail this is (local, or AWS region, endpoint and profile); checked on load. */
    readonly target: string,
  ) {}

  /** Creates the directory (0700) and checks it can be written; throws the fs error if not. */
  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const info = await lstat(this.dir);
    if (!info.isDirectory()) {
      throw Object.assign(new Error(`${this.dir} is not a directory`), { code: 'ENOTDIR' });
    }
    if ((info.mode & 0o077) !== 0) await chmod(this.dir, 0o700);
    await access(this.dir, constants.W_OK | constants.X_OK);
  }

  /**
   * The stored cache; an empty one when there is none. Throws CacheDamagedError when the
   * index or the data file does not check out.
   */
  async load(): Promise<StoredCache> {
    // A writer may replace the data file between reading the index and opening it: once
    // more then reads the index that names the new one.
    for (let attempt = 0; ; attempt++) {
      let text: Buffer | undefined;
      try {
        text = await readFileIfAny(join(this.dir, INDEX));
      } catch (error) {
        throw new CacheDamagedError(`its index cannot be read (${code(error)})`);
      }
      if (text === undefined) return emptyCache('none');
      const stored = this.decode(text);
      if (stored.data === undefined) return stored;
      try {
        stored.handle = await open(join(this.dir, stored.data), 'r');
      } catch (error) {
        if (code(error) === 'ENOENT' && attempt === 0) continue;
        throw new CacheDamagedError(`its data file ${stored.data} is missing`);
      }
      if ((await stored.handle.stat()).size < stored.dataLength) {
        await stored.handle.close();
        throw new CacheDamagedError(`its data file ${stored.data} is cut short`);
      }
      return stored;
    }
  }

  /** The events as LookupEvents returned them, read back from the data file. */
  async readEvents(stored: StoredCache, events: CachedEvent[]): Promise<Event[]> {
    const blocks = new Map<number, Buffer>();
    const out: Event[] = [];
    for (const e of events) {
      if (e.event) {
        out.push(e.event);
        continue;
      }
      const b = e.block as number;
      let block = blocks.get(b);
      if (!block) {
        block = await this.readBlock(stored, b);
        blocks.set(b, block);
      }
      let event: Event;
      try {
        event = JSON.parse(lineOf(block, e.line as number)) as Event;
      } catch {
        throw new CacheDamagedError(`a record in block ${b} is not JSON`);
      }
      if (event?.EventId !== e.id) {
        throw new CacheDamagedError(`block ${b} does not hold event ${e.id}`);
      }
      out.push(event);
    }
    return out;
  }

  /**
   * Writes `next` if the index is still the version `base` was read from; returns false
   * without writing when another audit saved meanwhile or holds the lock (its copy is as
   * good). Throws the fs error when the disk refuses (full, read-only).
   */
  async save(base: StoredCache, next: CacheState): Promise<boolean> {
    const unlock = await this.lock();
    if (!unlock) return false;
    let tmp: string | undefined;
    try {
      if ((await this.currentVersion()) !== base.version) return false;
      const referenced = referencedBlocks(next.events);
      let referencedBytes = 0;
      for (const b of referenced) referencedBytes += (base.blocks[b] as [number, number])[1];
      // A new data file when there is none, when the cache was rebuilt (nothing of the old
      // one is kept: none of another trail's records stays on disk), or to compact.
      const fresh =
        base.data === undefined ||
        referenced.size === 0 ||
        (base.dataLength >= COMPACT_MIN_BYTES && referencedBytes * 2 < base.dataLength);
      const data = fresh ? `events-${randomBytes(8).toString('hex')}.bin` : (base.data as string);
      const file = await open(join(this.dir, data), fresh ? 'wx' : 'r+', 0o600);
      let blocks: Array<[number, number]>;
      let size: number;
      const renumber = new Map<number, number>();
      try {
        if (fresh) {
          blocks = [];
          size = 0;
          for (const b of [...referenced].sort((x, y) => x - y)) {
            const [offset, length] = base.blocks[b] as [number, number];
            const bytes = Buffer.alloc(length);
            await readExactly(base.handle as FileHandle, bytes, offset);
            await file.write(bytes, 0, length, size);
            renumber.set(b, blocks.length);
            blocks.push([size, length]);
            size += length;
          }
        } else {
          blocks = base.blocks.slice();
          size = base.dataLength;
          await file.truncate(size);
        }
        const added = next.events.head.filter((e) => e.event !== undefined);
        for (let i = 0; i < added.length; i += BLOCK_EVENTS) {
          const chunk = added.slice(i, i + BLOCK_EVENTS);
          const bytes = deflateSync(chunk.map((e) => JSON.stringify(e.event)).join('\n'), {
            level: 1,
          });
          await file.write(bytes, 0, bytes.length, size);
          blocks.push([size, bytes.length]);
          size += bytes.length;
        }
        await file.datasync();
      } finally {
        await file.close();
      }
      const body = this.encode(next, { data, dataLength: size, blocks, renumber });
      tmp = join(this.dir, `${INDEX}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(body);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(tmp, join(this.dir, INDEX));
      tmp = undefined;
      // Under the lock no other audit writes: any other data file is no longer named by
      // the index, and any other temporary index was left by an audit that died saving.
      for (const name of await readdir(this.dir)) {
        const stale =
          (DATA_PATTERN.test(name) && name !== data) ||
          (name.startsWith(`${INDEX}.`) && name.endsWith('.tmp'));
        if (stale) await unlink(join(this.dir, name)).catch(() => {});
      }
      return true;
    } finally {
      if (tmp) await unlink(tmp).catch(() => {});
      await unlock();
    }
  }

  /** Removes the index and data files (a damaged cache), so the next audit starts afresh. */
  async discard(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name === INDEX || DATA_PATTERN.test(name))
        await unlink(join(this.dir, name)).catch(() => {});
    }
  }

  private async readBlock(stored: StoredCache, b: number): Promise<Buffer> {
    const where = stored.blocks[b];
    if (!where || !stored.handle) throw new CacheDamagedError(`block ${b} is not in the index`);
    const bytes = Buffer.alloc(where[1]);
    try {
      await readExactly(stored.handle, bytes, where[0]);
      return inflateSync(bytes);
    } catch (error) {
      throw new CacheDamagedError(`block ${b} cannot be read (${code(error) ?? 'bad data'})`);
    }
  }

  private async lock(): Promise<(() => Promise<void>) | undefined> {
    const path = join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => unlink(path).catch(() => {});
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
        const info = await stat(path).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs < STALE_LOCK_MS) return undefined;
        await unlink(path).catch(() => {});
      }
    }
    return undefined;
  }

  private async currentVersion(): Promise<string> {
    let text: Buffer | undefined;
    try {
      text = await readFileIfAny(join(this.dir, INDEX));
      if (text === undefined) return 'none';
      return String(this.header(text).checksum);
    } catch {
      return 'damaged';
    }
  }

  private header(text: Buffer): { checksum: number; end: number } {
    const end = text.indexOf(0x0a);
    if (end < 0) throw new CacheDamagedError('its index has no header line');
    let header: unknown;
    try {
      header = JSON.parse(text.toString('utf8', 0, end));
    } catch {
      throw new CacheDamagedError('its index header is not JSON');
    }
    const h = header as { format?: unknown; version?: unknown; crc32?: unknown };
    if (h?.format !== FORMAT || typeof h.crc32 !== 'number') {
      throw new CacheDamagedError('its index is not an audit cache index');
    }
    if (h.version !== VERSION) {
      throw new CacheDamagedError(`its format ${String(h.version)} is not ${VERSION}`);
    }
    return { checksum: h.crc32, end };
  }

  private encode(
    state: CacheState,
    o: {
      data: string;
      dataLength: number;
      blocks: Array<[number, number]>;
      renumber: Map<number, number>;
    },
  ): Buffer {
    const rows = state.events;
    const c = rows.columns;
    const strings = c ? c.strings.slice() : [];
    let interned: Map<string, number> | undefined;
    const intern = (s: string | undefined) => {
      if (s === undefined) return -1;
      interned ??= new Map(strings.map((x, i) => [x, i]));
      let i = interned.get(s);
      if (i === undefined) {
        i = strings.length;
        strings.push(s);
        interned.set(s, i);
      }
      return i;
    };
    const n = rows.length;
    const head = rows.head;
    const at = new Float64Array(n);
    const fields = new Int32Array(n * WIDTH);
    const where = new Int32Array(n * 2);
    const idEnds = new Int32Array(n);
    const headIds = Buffer.from(head.map((e) => e.id).join(''), 'utf8');
    const rowIdsStart = c && rows.start > 0 ? (c.idEnds[rows.start - 1] as number) : 0;
    const rowIdsEnd = c && rows.end > 0 ? (c.idEnds[rows.end - 1] as number) : 0;
    const ids = Buffer.concat([
      headIds,
      c && rows.end > rows.start ? c.ids.subarray(rowIdsStart, rowIdsEnd) : Buffer.alloc(0),
    ]);
    // New events are written in blocks, in head order, after the kept ones.
    let nextBlock = o.blocks.length - Math.ceil(head.filter((e) => e.event).length / BLOCK_EVENTS);
    let nextLine = 0;
    let idEnd = 0;
    head.forEach((e, i) => {
      at[i] = e.at;
      FIELDS.forEach((f, j) => {
        fields[i * WIDTH + j] = intern(e[f]);
      });
      if (e.event) {
        where[i * 2] = nextBlock;
        where[i * 2 + 1] = nextLine;
        nextLine += 1;
        if (nextLine === BLOCK_EVENTS) {
          nextBlock += 1;
          nextLine = 0;
        }
      } else {
        where[i * 2] = o.renumber.get(e.block as number) ?? (e.block as number);
        where[i * 2 + 1] = e.line as number;
      }
      idEnd += Buffer.byteLength(e.id);
      idEnds[i] = idEnd;
    });
    if (c) {
      const h = head.length;
      at.set(c.at.subarray(rows.start, rows.end), h);
      fields.set(c.fields.subarray(rows.start * WIDTH, rows.end * WIDTH), h * WIDTH);
      for (let r = rows.start, i = h; r < rows.end; r++, i++) {
        const block = c.where[r * 2] as number;
        where[i * 2] = o.renumber.get(block) ?? block;
        where[i * 2 + 1] = c.where[r * 2 + 1] as number;
        idEnds[i] = headIds.length + (c.idEnds[r] as number) - rowIdsStart;
      }
    }
    const meta = `${JSON.stringify({
      target: this.target,
      account: state.account ?? null,
      completeSince: state.completeSince ?? null,
      fetchedAt: state.fetchedAt ?? null,
      data: o.data,
      dataLength: o.dataLength,
      blocks: o.blocks.flat(),
      strings,
      count: n,
      idBytes: ids.length,
    })}\n`;
    const body = Buffer.concat([
      Buffer.from(meta, 'utf8'),
      bytesOf(at),
      bytesOf(fields),
      bytesOf(where),
      bytesOf(idEnds),
      ids,
    ]);
    // Padded so the columns start at a multiple of 8 bytes: a reader can view them in
    // place rather than copy them.
    let header = JSON.stringify({ format: FORMAT, version: VERSION, crc32: crc32(body) });
    const metaBytes = Buffer.byteLength(meta);
    while ((header.length + 1 + metaBytes) % 8 !== 0) header += ' ';
    return Buffer.concat([Buffer.from(`${header}\n`, 'utf8'), body]);
  }

  private decode(text: Buffer): StoredCache {
    const { checksum, end } = this.header(text);
    const body = text.subarray(end + 1);
    if (crc32(body) !== checksum) {
      throw new CacheDamagedError('its index does not match its checksum (cut short or altered)');
    }
    const bad = (what: string) => new CacheDamagedError(`its index ${what}`);
    const metaEnd = body.indexOf(0x0a);
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(body.toString('utf8', 0, metaEnd));
    } catch {
      throw bad('description is not JSON');
    }
    const version = String(checksum);
    // Another target's cache under this name (never written so) is not this trail's.
    if (meta.target !== this.target) return emptyCache(version);
    const {
      strings,
      blocks,
      count: n,
      idBytes,
    } = meta as {
      strings: unknown;
      blocks: unknown;
      count: unknown;
      idBytes: unknown;
    };
    if (
      !Array.isArray(strings) ||
      !strings.every((x) => typeof x === 'string') ||
      !Array.isArray(blocks) ||
      blocks.length % 2 !== 0 ||
      !blocks.every((x) => Number.isInteger(x) && x >= 0) ||
      !Number.isInteger(n) ||
      !Number.isInteger(idBytes)
    ) {
      throw bad('description is not one of an audit cache');
    }
    const count = n as number;
    let offset = metaEnd + 1;
    const bytes = (length: number) => {
      const slice = body.subarray(offset, offset + length);
      if (slice.length !== length) throw bad('is cut short');
      offset += length;
      return slice;
    };
    // Typed arrays need their element size's alignment: in place when the file was read
    // to an aligned buffer (as the writer pads it), else a copy.
    const view = <T>(
      make: (b: ArrayBuffer, at: number, n: number) => T,
      size: number,
      n: number,
    ) => {
      const slice = bytes(size * n);
      return slice.byteOffset % 8 === 0
        ? make(slice.buffer as ArrayBuffer, slice.byteOffset, n)
        : make(
            slice.buffer.slice(slice.byteOffset, slice.byteOffset + size * n) as ArrayBuffer,
            0,
            n,
          );
    };
    const columns: Columns = {
      at: view((b, at, n) => new Float64Array(b, at, n), 8, count),
      fields: view((b, at, n) => new Int32Array(b, at, n), 4, count * WIDTH),
      where: view((b, at, n) => new Int32Array(b, at, n), 4, count * 2),
      idEnds: view((b, at, n) => new Int32Array(b, at, n), 4, count),
      ids: bytes(idBytes as number),
      strings: strings as string[],
    };
    // The checksum vouches for the rows; these checks catch a writer's mistake cheaply.
    if (offset !== body.length) throw bad('has bytes past its columns');
    if (count > 0 && columns.idEnds[count - 1] !== columns.ids.length) throw bad('has bad ids');
    const pairs: Array<[number, number]> = [];
    for (let i = 0; i < blocks.length; i += 2) {
      pairs.push([blocks[i] as number, blocks[i + 1] as number]);
    }
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const data =
      typeof meta.data === 'string' && DATA_PATTERN.test(meta.data) ? meta.data : undefined;
    if (count > 0 && data === undefined) throw bad('names no data file');
    return {
      events: new EventRows([], columns, 0, count),
      completeSince: num(meta.completeSince),
      fetchedAt: num(meta.fetchedAt),
      account: typeof meta.account === 'string' ? meta.account : undefined,
      version,
      data,
      dataLength: num(meta.dataLength) ?? 0,
      blocks: pairs,
      handle: undefined,
    };
  }
}

/** The blocks of the data file that rows still point to. */
function referencedBlocks(rows: EventRows): Set<number> {
  const referenced = new Set<number>();
  for (const e of rows.head) if (!e.event && e.block !== undefined) referenced.add(e.block);
  const c = rows.columns;
  if (c) for (let r = rows.start; r < rows.end; r++) referenced.add(c.where[r * 2] as number);
  return referenced;
}

function bytesOf(array: Float64Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Line `n` (from 0) of a block, without splitting the others out. */
function lineOf(block: Buffer, n: number): string {
  let start = 0;
  for (let i = 0; i < n; i++) {
    start = block.indexOf(0x0a, start) + 1;
    if (start === 0) return '';
  }
  const end = block.indexOf(0x0a, start);
  return block.toString('utf8', start, end < 0 ? block.length : end);
}

/** The file's bytes; undefined when it does not exist. */
async function readFileIfAny(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  const { bytesRead } = await handle.read(into, 0, into.length, position);
  if (bytesRead !== into.length) {
    throw Object.assign(new Error('short read'), { code: 'ESHORT' });
  }
}

const code = (error: unknown): string | undefined =>
  (error as NodeJS.ErrnoException | null)?.code ?? undefined;
