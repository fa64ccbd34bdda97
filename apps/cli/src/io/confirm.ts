import { usageError } from '../errors.js';
import { PromptCancelledError } from './hidden-prompt.js';

export interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean | undefined;
  /** What --yes would skip, for the error when nobody can answer. */
  action: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
}

/**
 * Asks a yes/no question on the terminal (default no: Enter keeps). Without a terminal
 * and without --yes it refuses, as gh does, so a script never deletes by accident. The
 * question goes to the controlling terminal, so `2>/dev/null` does not hide it. Ctrl-C
 * cancels with exit 130; Ctrl-D (end of input) cancels with exit 1.
 */
export async function confirm(question: string, o: ConfirmOptions): Promise<boolean> {
  if (o.yes) return true;
  const input = o.input ?? process.stdin;
  if (!input.isTTY) throw usageError(`${o.action} needs confirmation: pass --yes`);
  // Loaded when a question is asked, not at start-up: node:tty and node:readline would
  // cost every run ~3 ms.
  const { openTerminal } = await import('./terminal.js');
  const { createInterface } = await import('node:readline');
  const terminal = o.output ? undefined : openTerminal();
  const output = o.output ?? terminal ?? process.stderr;
  const rl = createInterface({ input, output, terminal: true });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const cancel = (interrupted: boolean) => {
        if (settled) return;
        settled = true;
        output.write('\n');
        reject(new PromptCancelledError(interrupted));
      };
      rl.on('SIGINT', () => {
        cancel(true);
        rl.close();
      });
      rl.on('close', () => cancel(false));
      rl.question(`${question} [y/N] `, (answer) => {
        settled = true;
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
    });
  } finally {
    rl.close();
    terminal?.destroy();
  }
}
