import { describe, expect, it } from 'vitest';
import { protectOperands } from '../../src/argv-operands.js';
import { bareDecryptUser } from '../../src/bare-decrypt.js';

const userOf = (argv: string[]) => {
  const { args, restore } = protectOperands(argv);
  return bareDecryptUser(args, restore);
};

describe('bare `decrypt <id>` (run without yargs)', () => {
  it('is decrypt and one operand, whatever the operand looks like', () => {
    expect(userOf(['decrypt', 'k3v9x2m7qa'])).toBe('k3v9x2m7qa');
    expect(userOf(['decrypt', '12345'])).toBe('12345');
    expect(userOf(['decrypt', 'NOT VALID'])).toBe('NOT VALID');
    expect(userOf(['decrypt', ''])).toBe('');
    // Operands yargs is handed as stand-ins come back as they were typed.
    expect(userOf(['decrypt', '-'])).toBe('-');
    expect(userOf(['decrypt', '--', '-x'])).toBe('-x');
  });

  it('leaves options, other commands, more words and `help` to yargs', () => {
    for (const argv of [
      ['decrypt'],
      ['decrypt', 'abcde', '--json'],
      ['decrypt', '--json', 'abcde'],
      ['decrypt', '-h'],
      ['decrypt', '--allow-legacy=true'],
      ['decrypt', 'abcde', 'fghij'],
      ['decrypt', 'help'],
      ['show', 'abcde'],
      ['--json', 'decrypt'],
      ['Decrypt', 'abcde'],
    ]) {
      expect(userOf(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
