/**
 * Operands yargs would misread. After `--` every word is an operand (POSIX utility
 * syntax guideline 10), but yargs leaves such words out of a command's positionals
 * (`decrypt -- alice` would miss its id) or drops them (`encrypt -- -dash`); and it reads
 * a lone `-`, by convention "stdin", as an empty string. Each such word is handed to
 * yargs as a stand-in it parses as a plain positional, and swapped back before any
 * handler runs. A stand-in starts with NUL, which no real argument can hold.
 */
const MARK = '\u0000operand:';

export interface ProtectedArgs {
  /** The arguments for yargs: `--` dropped, the operands after it replaced by stand-ins. */
  args: string[];
  /** The original value of a stand-in; any other value as it is. */
  restore(value: string): string;
}

export function protectOperands(argv: string[]): ProtectedArgs {
  const operands: string[] = [];
  const standIn = (value: string) => `${MARK}${operands.push(value) - 1}`;
  const end = argv.indexOf('--');
  const before = end === -1 ? argv : argv.slice(0, end);
  const after = end === -1 ? [] : argv.slice(end + 1);
  const args = [
    ...before.map((a) => (a === '-' ? standIn(a) : a)),
    ...after.map((a) => standIn(a)),
  ];
  return {
    args,
    restore: (value) =>
      value.startsWith(MARK) ? (operands[Number(value.slice(MARK.length))] ?? value) : value,
  };
}

/** Swaps stand-ins back in an error message that quotes an argument. */
export function restoreInText(text: string, restore: (value: string) => string): string {
  return text.replace(new RegExp(`${MARK}\\d+`, 'g'), (m) => restore(m));
}
