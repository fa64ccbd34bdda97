import { type FileHandle, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../state/state-dir.js';
import type { TrailRecord } from './kms-record.js';
import { listGenerations, TRAIL_DIR, trailFilePath } from './trail-files.js';
import { type IndexEntry, indexEntry, type LookupAttribute, matches } from './trail-index.js';

export interface TrailOptions {
  /** A file past this size is closed and a new one started; default 16 MiB. */
  maxFileBytes?: number;
  /** Files kept, the oldest deleted first; default 8, so the trail holds at most ~128 MiB. */
  maxFiles?: number;
  /** Records are written and fsynced together at most this long after the first; default 100 ms. */
  flushIntervalMs?: number;
}

export const DEFAULT_TRAIL_OPTIONS = {
  maxFileBytes: 16 * 1024 * 1024,
  maxFiles: 8,
  flushIntervalMs: 100,
} as const;

/** A batch this large is written at once rather than waiting for the interval. */
const MAX_PENDING_BYTES = 256 * 1024;
/** Neighbouring lines of a page are read together while their span stays this small. */
const MAX_SPAN_BYTES = 1024 * 1024;

export interface TrailQuery {
  attribute?: LookupAttribute;
  startTime?: number;
  endTime?: number;
  /** Only records older (in append order) than this position; undefined = from the newest. */
  before?: number;
  limit: number;
}

export interface TrailPage {
  /** Records' JSON text with their index entries, newest first. */
  events: { entry: IndexEntry; json: string }[];
  /** Position to continue from, when more records may match. */
  next?: number;
}

/**
 * The endpoint's CloudTrail: JSON Lines in `<stateDir>/cloudtrail/trail-NNNNNN.jsonl`, each
 * file 0600 and append-only. Appends are queued and written with one fsync per batch;
 * a file past `maxFileBytes` is closed and the next generation started, and beyond
 * `maxFiles` the oldest is deleted. Lookups read an in-memory index built on first use
 * (a damaged line is skipped and counted) and then the matching lines from disk.
 */
export class Trail {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Every disk operation runs in this chain, one after the other. */
  private queue: Promise<void> = Promise.resolve();
  private index: IndexEntry[] | undefined;
  /** Position of index[0]; positions only grow, so a page token stays valid across rotation. */
  private firstPosition = 0;
  private damaged = 0;
  private closed = false;
  private readonly readers = new Map<number, FileHandle>();

  private constructor(
    private readonly dir: string,
    private readonly options: Required<TrailOptions>,
    private generations: number[],
    private file: FileHandle,
    private size: number,
  ) {}

  static async open(stateDir: string, options: TrailOptions = {}): Promise<Trail> {
    const resolved = { ...DEFAULT_TRAIL_OPTIONS, ...options };
    const dir = join(stateDir, TRAIL_DIR);
    await ensurePrivateDir(dir);
    const generations = await listGenerations(dir);
    if (generations.length === 0) generations.push(1);
    const current = generations.at(-1) as number;
    const file = await open(trailFilePath(dir, current), 'a+', 0o600);
    let { size } = await file.stat();
    if (size > 0) {
      // A crash mid-write leaves a partial last line: end it, so it stays one damaged line.
      const last = Buffer.alloc(1);
      await file.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) {
        await file.write('\n');
        size += 1;
      }
    }
    return new Trail(dir, resolved, generations, file, size);
  }

  /** Lines skipped as damaged while building the index (0 until the first lookup). */
  get damagedLines(): number {
    return this.damaged;
  }

  append(record: TrailRecord): void {
    if (this.closed) return;
    const line = `${JSON.stringify(record)}\n`;
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line);
    if (this.pendingBytes >= MAX_PENDING_BYTES) {
      void this.flush().catch(() => {});
    } else {
      this.timer ??= setTimeout(
        () => void this.flush().catch(() => {}),
        this.options.flushIntervalMs,
      );
      this.timer.unref();
    }
  }

  /** Writes and fsyncs everything appended so far. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    if (lines.length === 0) return this.queue;
    return this.enqueue(() => this.write(lines));
  }

  async query(query: TrailQuery): Promise<TrailPage> {
    await this.flush();
    await this.enqueue(() => this.loadIndex());
    const index = this.index as IndexEntry[];
    const picked: IndexEntry[] = [];
    let i =
      Math.min(index.length, (query.before ?? Number.POSITIVE_INFINITY) - this.firstPosition) - 1;
    for (; i >= 0 && picked.length < query.limit; i--) {
      const entry = index[i] as IndexEntry;
      if (query.startTime !== undefined && entry.time < query.startTime) continue;
      if (query.endTime !== undefined && entry.time > query.endTime) continue;
      if (query.attribute && !matches(entry, query.attribute)) continue;
      picked.push(entry);
    }
    const events = await this.enqueue(() => this.readLines(picked));
    const more = picked.length === query.limit && i >= 0;
    return { events, ...(more ? { next: this.firstPosition + i + 1 } : {}) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.enqueue(async () => {
      await this.file.close();
      for (const generation of [...this.readers.keys()]) await this.closeReader(generation);
    });
  }

  private enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.queue.then(step);
    this.queue = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  private async write(lines: string[]): Promise<void> {
    const batch = Buffer.from(lines.join(''), 'utf8');
    if (this.size > 0 && this.size + batch.length > this.options.maxFileBytes) await this.rotate();
    const offset = this.size;
    await this.file.write(batch, 0, batch.length, null);
    await this.file.datasync();
    this.size += batch.length;
    if (this.index) this.indexBatch(batch, this.generations.at(-1) as number, offset);
  }

  private async rotate(): Promise<void> {
    await this.file.close();
    const next = (this.generations.at(-1) as number) + 1;
    this.file = await open(trailFilePath(this.dir, next), 'a+', 0o600);
    this.size = 0;
    this.generations.push(next);
    while (this.generations.length > this.options.maxFiles) {
      const oldest = this.generations.shift() as number;
      await this.closeReader(oldest);
      await unlink(trailFilePath(this.dir, oldest)).catch(() => {});
      if (this.index) {
        let dropped = 0;
        while (dropped < this.index.length && this.index[dropped]?.generation === oldest) dropped++;
        this.index.splice(0, dropped);
        this.firstPosition += dropped;
      }
    }
  }

  private async loadIndex(): Promise<void> {
    if (this.index) return;
    this.index = [];
    for (const generation of this.generations) {
      let content: Buffer;
      try {
        content = await readFile(trailFilePath(this.dir, generation));
      } catch {
        continue;
      }
      this.indexBatch(content, generation, 0);
    }
  }

  private indexBatch(content: Buffer, generation: number, base: number): void {
    const index = this.index as IndexEntry[];
    let start = 0;
    while (start < content.length) {
      let end = content.indexOf(0x0a, start);
      if (end < 0) end = content.length;
      if (end > start) {
        const location = { generation, offset: base + start, length: end - start };
        const entry = indexEntry(content.toString('utf8', start, end), location);
        if (entry) index.push(entry);
        else this.damaged += 1;
      }
      start = end + 1;
    }
  }

  /**
   * The records' lines, read from disk. A page is mostly consecutive lines of one file, so
   * each run of neighbours is read with one call rather than one per line.
   */
  private async readLines(entries: IndexEntry[]): Promise<{ entry: IndexEntry; json: string }[]> {
    const out: { entry: IndexEntry; json: string }[] = [];
    let i = 0;
    while (i < entries.length) {
      const first = entries[i] as IndexEntry;
      let low = first.offset;
      let high = first.offset + first.length;
      let j = i + 1;
      for (; j < entries.length; j++) {
        const next = entries[j] as IndexEntry;
        if (next.generation !== first.generation) break;
        const newLow = Math.min(low, next.offset);
        const newHigh = Math.max(high, next.offset + next.length);
        if (newHigh - newLow > MAX_SPAN_BYTES) break;
        low = newLow;
        high = newHigh;
      }
      const span = Buffer.alloc(high - low);
      const handle = await this.reader(first.generation);
      await handle.read(span, 0, span.length, low);
      for (const entry of entries.slice(i, j)) {
        const start = entry.offset - low;
        out.push({ entry, json: span.toString('utf8', start, start + entry.length) });
      }
      i = j;
    }
    return out;
  }

  /** A read handle per file, kept open until the file is deleted or the trail closed. */
  private async reader(generation: number): Promise<FileHandle> {
    let handle = this.readers.get(generation);
    if (!handle) {
      handle = await open(trailFilePath(this.dir, generation), 'r');
      this.readers.set(generation, handle);
    }
    return handle;
  }

  private async closeReader(generation: number): Promise<void> {
    const handle = this.readers.get(generation);
    this.readers.delete(generation);
    await handle?.close().catch(() => {});
  }
}
