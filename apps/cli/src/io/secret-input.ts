import { timingSafeEqual } from 'node:crypto';
import { usageError } from '../errors.js';
import { type PromptInput, type PromptOutput, readHidden } from './hidden-prompt.js';

/** More than any secret the store accepts; stops a mistaken pipe from filling memory. */
export const MAX_STDIN_BYTES = 1024 * 1024;

export interface ReadSecretOptions {
  /**
   * A secret given on the command line (discouraged: it leaks to history and `ps`);
   * `-` means "read stdin", the Unix convention.
   */
  argvSecret?: string | undefined;
  input?: PromptInput;
  output?: PromptOutput;
  /** Called with one-line warnings (an argv secret, a whitespace-only secret). */
  warn?: (line: string) => void;
}

export const ARGV_WARNING =
  'warning: a secret on the command line is visible in shell history and to other users via ps; pipe it or use the prompt';

export const WHITESPACE_WARNING = 'warning: the secret is only whitespace; it was stored as given';

/**
 * The secret to encrypt: from argv (with a warning), from stdin when it is piped (one
 * trailing line ending, "\n" or "\r\n", stripped, as `echo` and Windows editors add
 * it), or from a hidden prompt with confirmation on a terminal. A secret both piped and
 * given as an argument is refused: which one was meant cannot be known. The caller
 * zeroes the returned buffer.
 */
export async function readSecret(o: ReadSecretOptions = {}): Promise<Buffer> {
  const input = o.input ?? process.stdin;
  const warn = o.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secret = await readFromSource(input, o, warn);
  if (isWhitespace(secret)) warn(WHITESPACE_WARNING);
  return secret;
}

async function readFromSource(
  input: PromptInput,
  o: ReadSecretOptions,
  warn: (line: string) => void,
): Promise<Buffer> {
  const fromArgv = o.argvSecret !== undefined && o.argvSecret !== '-';
  if (fromArgv) {
    if (!input.isTTY) {
      const piped = await readAll(input);
      const given = piped.length > 0;
      piped.fill(0);
      if (given) {
        throw usageError(
          'a secret was given both as an argument and on stdin; give it one way (stdin is better)',
        );
      }
    }
    warn(ARGV_WARNING);
    return nonEmpty(Buffer.from(o.argvSecret as string, 'utf8'), 'the secret argument is empty');
  }
  if (input.isTTY) {
    if (o.output) return promptWithConfirmation(input, o.output);
    const { openTerminal } = await import('./terminal.js');
    const terminal = openTerminal();
    try {
      return await promptWithConfirmation(input, terminal ?? process.stderr);
    } finally {
      terminal?.destroy();
    }
  }
  const raw = await readAll(input);
  if (raw.length === 0) throw usageError('no secret on stdin: pipe one in');
  return nonEmpty(stripOneNewline(raw), 'the secret on stdin is empty (only a line ending)');
}

/** Space, tab, line feed, vertical tab, form feed, carriage return: nothing to see. */
function isWhitespace(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((b) => b === 0x20 || (b >= 0x09 && b <= 0x0d));
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
