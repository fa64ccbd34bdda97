import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * One input record to import: where it is (`line`, the key of the journal too), the id it
 * names if any, and its secret; or why it cannot be imported. Nothing here ever puts a
 * secret in a reason.
 */
export type InputRecord =
  | { line: number; ok: true; appuser?: string; secret: Uint8Array }
  | { line: number; ok: false; appuser?: string; reason: string };

export type InputFormat = 'jsonl' | 'csv';

/** The format of an input path by its extension, or undefined if it says nothing. */
export function formatOf(path: string): InputFormat | undefined {
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  return undefined;
}

/** Thrown for an input that cannot be read at all (a CSV header without `secret`). */
export class InputFormatError extends Error {
  override name = 'InputFormatError';
}

interface Fields {
  appuser?: unknown;
  secret?: unknown;
  secret_base64?: unknown;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A record from its fields: exactly one of `secret` (text) or `secret_base64` (bytes). */
function toRecord(line: number, fields: Fields): InputRecord {
  const { appuser, secret, secret_base64: base64 } = fields;
  const id = typeof appuser === 'string' && appuser !== '' ? appuser : undefined;
  const at = id === undefined ? {} : { appuser: id };
  if (appuser !== undefined && appuser !== null && typeof appuser !== 'string') {
    return { line, ok: false, reason: '"appuser" must be a string' };
  }
  const hasText = secret !== undefined && secret !== null && secret !== '';
  const hasBytes = base64 !== undefined && base64 !== null && base64 !== '';
  if (hasText === hasBytes) {
    return {
      line,
      ok: false,
      ...at,
      reason: hasText
        ? 'give "secret" or "secret_base64", not both'
        : 'no secret ("secret" or "secret_base64")',
    };
  }
  if (hasText) {
    if (typeof secret !== 'string')
      return { line, ok: false, ...at, reason: '"secret" must be a string' };
    return { line, ok: true, ...at, secret: new Uint8Array(Buffer.from(secret, 'utf8')) };
  }
  if (typeof base64 !== 'string' || base64.length % 4 !== 0 || !BASE64.test(base64)) {
    return { line, ok: false, ...at, reason: '"secret_base64" is not valid base64' };
  }
  return { line, ok: true, ...at, secret: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** JSON Lines as objects: blank lines are skipped, their numbers kept. */
export async function* readJsonObjects(
  input: Readable,
): AsyncGenerator<
  { line: number; ok: true; value: object } | { line: number; ok: false; reason: string }
> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
    if (trimmed === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      // JSON.parse's message quotes the text around the error: it could be the secret.
      yield { line, ok: false, reason: 'not valid JSON' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, ok: false, reason: 'not a JSON object' };
      continue;
    }
    yield { line, ok: true, value };
  }
}

/** JSON Lines of `{"appuser"?, "secret" | "secret_base64"}`. */
export async function* readJsonLines(input: Readable): AsyncGenerator<InputRecord> {
  for await (const entry of readJsonObjects(input)) {
    yield entry.ok ? toRecord(entry.line, entry.value as Fields) : entry;
  }
}

const CSV_COLUMNS = new Set(['appuser', 'secret', 'secret_base64']);

/**
 * CSV with a header row (`appuser,secret`, `appuser` optional, or `secret_base64`), parsed
 * by csv-parse: quoted fields, embedded newlines, a BOM. A malformed record fails alone
 * (reported by its position, never its text). `line` is where the record starts.
 */
export async function* readCsv(input: Readable): AsyncGenerator<InputRecord> {
  const { parse } = await import('csv-parse');
  const skipped: InputRecord[] = [];
  let lastLine = 1;
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        const unknown = names.filter((n) => !CSV_COLUMNS.has(n));
        if (unknown.length > 0 || !(names.includes('secret') || names.includes('secret_base64'))) {
          throw new InputFormatError(
            `the CSV header must name the columns appuser (optional) and secret or secret_base64${unknown.length ? `; unknown: ${unknown.slice(0, 3).join(', ')}` : ''}`,
          );
        }
        return names;
      },
      on_skip: (error) => {
        const end = typeof error?.lines === 'number' ? error.lines : lastLine + 1;
        skipped.push({
          line: lastLine + 1,
          ok: false,
          reason: `not a valid CSV record (${error?.code ?? 'parse error'})`,
        });
        lastLine = end;
        return undefined;
      },
    }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Fields;
    info: { lines: number };
  }>) {
    while (skipped.length > 0) yield skipped.shift() as InputRecord;
    const line = lastLine + 1;
    lastLine = info.lines;
    yield toRecord(line, record);
  }
  while (skipped.length > 0) yield skipped.shift() as InputRecord;
}
