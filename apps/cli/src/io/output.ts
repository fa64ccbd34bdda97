/**
 * Where things are printed. Data a script consumes goes to stdout; the story, notes and
 * errors go to stderr, so `ID=$(kms-demo encrypt)` captures the id alone.
 */

import { failedError } from '../errors.js';
import { stdoutClosed } from './closed-stdout.js';

type Stream = NodeJS.WriteStream;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colourEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const wrap = (open: number, close: number) => (text: string, stream: Stream) =>
  colourEnabled(stream) ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export const red = wrap(31, 39);
export const green = wrap(32, 39);

/** One line of story or notes on stderr. */
export function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

let closed: boolean | undefined;

/**
 * Throws when stdout was closed by the shell (`>&-`): data written there would be lost
 * without a word, so the command fails instead (exit 1). Called by encrypt and decrypt,
 * whose output is the point of running them (see closed-stdout.ts for the limits).
 */
export function assertStdoutOpen(): void {
  closed ??= stdoutClosed();
  if (closed) {
    throw failedError('stdout is closed, so the output cannot be printed; run without >&-');
  }
}

/** One line of data on stdout. */
export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function outJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes bytes to stdout and resolves once the stream has taken them (so they can be zeroed). */
export function outBytes(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Ends the process as soon as stdout and stderr have handed all they were given to the
 * system, rather than when the event loop drains: for a command whose work is done (its
 * output printed, its connections closed), what would remain is socket teardown and a
 * garbage collection already under way, ~6 ms of a decrypt for nothing.
 */
export async function exitOnceWritten(code = 0): Promise<never> {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength > 0) await new Promise((resolve) => stream.once('drain', resolve));
  }
  process.exit(code);
}

/** Shortens a path under the home directory to `~/…` for display. */
export function displayPath(path: string, home = process.env.HOME): string {
  if (home && home !== '/' && (path === home || path.startsWith(`${home}/`))) {
    return `~${path.slice(home.length)}`;
  }
  return path;
}

/**
 * Text read from the table (ids, ARNs, dates) is chosen by whoever can write it: control
 * and format characters (terminal escapes, bidi overrides) are shown as '?' rather than
 * sent to the terminal; letters of any script are shown as they are.
 */
export function printable(value: string): string {
  return value.replace(UNPRINTABLE, '?');
}

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu;

/** A table cell at most `max` characters wide: longer text ends in an ellipsis. */
export function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value;
}
