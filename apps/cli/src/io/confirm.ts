import { createInterface } from 'node:readline/promises';
import { usageError } from '../errors.js';

export interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean | undefined;
  /** What --yes would skip, for the error when nobody can answer. */
  action: string;
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
}

/**
 * Asks a yes/no question on the terminal (default no). Without a terminal and without
 * --yes it refuses, as gh does, so a script never deletes by accident.
 */
export async function confirm(question: string, o: ConfirmOptions): Promise<boolean> {
  if (o.yes) return true;
  const input = o.input ?? process.stdin;
  const output = o.output ?? process.stderr;
  if (!input.isTTY) throw usageError(`${o.action} needs confirmation: pass --yes`);
  const rl = createInterface({ input, output });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
