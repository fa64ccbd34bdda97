import { timingSafeEqual } from 'node:crypto';
import { usageError } from '../errors.js';
import { type PromptInput, type PromptOutput, readHidden } from './hidden-prompt.js';

/** More than any secret the store accepts; stops a mistaken pipe from filling memory. */
export const MAX_STDIN_BYTES = 1024 * 1024;

export interface ReadSecretOptions {
  /** A secret given on the command line (discouraged: it leaks to history and `ps`). */
  argvSecret?: string | undefined;
  input?: PromptInput;
  output?: PromptOutput;
  /** Called with the one-line warning for an argv secret. */
  warn?: (line: string) => void;
}

export const ARGV_WARNING =
  'warning: a secret on the command line is visible in shell history and to other users via ps; pipe it or use the prompt';

/**
 * The secret to encrypt: from argv (with a warning), from stdin when it is piped (one
 * trailing newline stripped, as `echo` adds it), or from a hidden prompt with
 * confirmation on a terminal. The caller zeroes the returned buffer.
 */
export async function readSecret(o: ReadSecretOptions = {}): Promise<Buffer> {
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stderr;
  if (o.argvSecret !== undefined) {
    (o.warn ?? ((line) => output.write(`${line}\n`)))(ARGV_WARNING);
    return nonEmpty(Buffer.from(o.argvSecret, 'utf8'), 'the secret argument is empty');
  }
  if (input.isTTY) return promptWithConfirmation(input, output);
  return nonEmpty(stripOneNewline(await readAll(input)), 'no secret on stdin: pipe one in');
}

async function promptWithConfirmation(input: PromptInput, output: PromptOutput): Promise<Buffer> {
  const first = await readHidden(input, output, 'Secret to encrypt: ');
  if (first.length === 0) throw usageError('the secret is empty');
  const second = await readHidden(input, output, 'Type it again: ');
  try {
    if (first.length !== second.length || !timingSafeEqual(first, second)) {
      first.fill(0);
      throw usageError('the two entries did not match; nothing was stored');
    }
    return first;
  } finally {
    second.fill(0);
  }
}

/** Strips exactly one trailing "\n" (or "\r\n"), returning a view of the same bytes. */
export function stripOneNewline(bytes: Buffer): Buffer {
  let end = bytes.length;
  if (bytes[end - 1] === 0x0a) {
    end--;
    if (bytes[end - 1] === 0x0d) end--;
  }
  return bytes.subarray(0, end);
}

async function readAll(input: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
      total += bytes.length;
      chunks.push(bytes);
      if (total > MAX_STDIN_BYTES) {
        throw usageError(`stdin holds more than ${MAX_STDIN_BYTES} bytes; that is not a secret`);
      }
    }
    return Buffer.concat(chunks, total);
  } finally {
    for (const chunk of chunks) chunk.fill(0);
  }
}

function nonEmpty(bytes: Buffer, message: string): Buffer {
  if (bytes.length === 0) throw usageError(message);
  return bytes;
}
