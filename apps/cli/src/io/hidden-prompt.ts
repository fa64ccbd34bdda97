import { CliError } from '../errors.js';

/** The parts of a TTY the prompt needs, so tests can drive it with a fake stream. */
export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface PromptOutput {
  write(text: string): unknown;
}

const ENTER = new Set([0x0d, 0x0a]);
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const BACKSPACE = new Set([0x7f, 0x08]);
const MAX_PROMPT_BYTES = 64 * 1024;

/**
 * A prompt given up: Ctrl-C is an interrupt (exit 130, as SIGINT would give); Ctrl-D on
 * an empty line, or the terminal closing, is end of input: "cancelled", exit 1.
 */
export class PromptCancelledError extends CliError {
  constructor(interrupted: boolean) {
    super(interrupted ? 'CANCELLED' : 'FAILED', 'cancelled');
  }
}

/**
 * Reads one line from a terminal in raw mode without echoing it, the prompt on `output`
 * (the controlling terminal, else stderr). Backspace and Ctrl-U edit, Ctrl-C or Ctrl-D on an empty line cancel.
 * The returned buffer is the caller's to zero; intermediate buffers are zeroed here.
 */
export async function readHidden(
  input: PromptInput,
  output: PromptOutput,
  prompt: string,
): Promise<Buffer> {
  // Echo goes off before the prompt shows, so nothing typed after seeing it is echoed.
  input.setRawMode?.(true);
  output.write(prompt);
  input.resume();
  let buffer = Buffer.alloc(256);
  let length = 0;
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        for (const byte of bytes) {
          if (ENTER.has(byte)) {
            finish();
            resolve(Buffer.from(buffer.subarray(0, length)));
            return;
          }
          if (byte === CTRL_C || (byte === CTRL_D && length === 0)) {
            finish();
            reject(new PromptCancelledError(byte === CTRL_C));
            return;
          }
          if (BACKSPACE.has(byte)) {
            // Drop one whole UTF-8 character: continuation bytes look like 10xxxxxx.
            while (length > 0 && ((buffer[--length] ?? 0) & 0xc0) === 0x80) buffer[length] = 0;
            buffer[length] = 0;
          } else if (byte === CTRL_U) {
            buffer.fill(0, 0, length);
            length = 0;
          } else if (byte >= 0x20 || byte === 0x09 || byte >= 0x80) {
            if (length === MAX_PROMPT_BYTES) continue;
            if (length === buffer.length) {
              const bigger = Buffer.alloc(buffer.length * 2);
              buffer.copy(bigger);
              buffer.fill(0);
              buffer = bigger;
            }
            buffer[length++] = byte;
          }
        }
        bytes.fill(0);
      };
      const onEnd = () => {
        finish();
        reject(new PromptCancelledError(false));
      };
      const finish = () => {
        input.removeListener('data', onData);
        input.removeListener('end', onEnd);
      };
      input.on('data', onData);
      input.once('end', onEnd);
    });
  } finally {
    buffer.fill(0);
    input.setRawMode?.(false);
    input.pause();
    output.write('\n');
  }
}
