import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readHidden } from '../../src/io/hidden-prompt.js';
import { ARGV_WARNING, readSecret, stripOneNewline } from '../../src/io/secret-input.js';

/** A stand-in terminal: a stream with isTTY and setRawMode that records raw-mode changes. */
function fakeTty() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      this.rawModes.push(mode);
      return this;
    },
  });
  let screen = '';
  const output = {
    write: (text: string) => {
      screen += text;
      return true;
    },
  };
  return { input, output, screen: () => screen };
}

/** Types `keys` once the prompt has been written. */
function typeAfterPrompt(tty: ReturnType<typeof fakeTty>, ...entries: string[]) {
  const pending = [...entries];
  const original = tty.output.write;
  tty.output.write = (text: string) => {
    const r = original(text);
    if (text.endsWith(': ') && pending.length > 0) {
      const keys = pending.shift() as string;
      setImmediate(() => tty.input.write(keys));
    }
    return r;
  };
}

const piped = (text: string) => {
  const s = new PassThrough();
  s.end(text);
  return s;
};

describe('readSecret from a pipe', () => {
  it('strips exactly one trailing newline', async () => {
    expect((await readSecret({ input: piped('pw\n') })).toString()).toBe('pw');
    expect((await readSecret({ input: piped('pw\n\n') })).toString()).toBe('pw\n');
    expect((await readSecret({ input: piped('pw\r\n') })).toString()).toBe('pw');
    expect((await readSecret({ input: piped('pw') })).toString()).toBe('pw');
  });

  it('refuses an empty pipe', async () => {
    await expect(readSecret({ input: piped('') })).rejects.toThrow('no secret on stdin');
    // A lone line ending is an empty secret, not a missing one (issue 11).
    await expect(readSecret({ input: piped('\n') })).rejects.toThrow(
      'the secret on stdin is empty (only a line ending)',
    );
  });

  it('stripOneNewline leaves other whitespace alone', () => {
    expect(stripOneNewline(Buffer.from(' a \t\n')).toString()).toBe(' a \t');
  });
});

describe('readSecret from argv', () => {
  it('warns once and uses the argument', async () => {
    const warnings: string[] = [];
    const secret = await readSecret({
      argvSecret: 'on-argv',
      warn: (l) => warnings.push(l),
      input: piped(''),
    });
    expect(secret.toString()).toBe('on-argv');
    expect(warnings).toEqual([ARGV_WARNING]);
  });
});

describe('readSecret on a terminal', () => {
  it('asks twice in raw mode without echo, and restores the terminal', async () => {
    const tty = fakeTty();
    typeAfterPrompt(tty, 'hunter2\r', 'hunter2\r');
    const secret = await readSecret({ input: tty.input, output: tty.output });
    expect(secret.toString()).toBe('hunter2');
    expect(tty.screen()).toBe('Secret to encrypt: \nType it again: \n');
    expect(tty.input.rawModes).toEqual([true, false, true, false]);
  });

  it('refuses two different entries', async () => {
    const tty = fakeTty();
    typeAfterPrompt(tty, 'one\r', 'two\r');
    await expect(readSecret({ input: tty.input, output: tty.output })).rejects.toThrow(
      'did not match',
    );
  });

  it('refuses an empty entry', async () => {
    const tty = fakeTty();
    typeAfterPrompt(tty, '\r');
    await expect(readSecret({ input: tty.input, output: tty.output })).rejects.toThrow('empty');
  });
});

describe('readHidden', () => {
  it('handles backspace over multi-byte characters and Ctrl-U', async () => {
    const tty = fakeTty();
    typeAfterPrompt(tty, 'xx\u0015ké\u007f\u007fab\u00e9\r');
    const line = await readHidden(tty.input, tty.output, 'p: ');
    expect(line.toString('utf8')).toBe('abé');
  });

  it('cancels on Ctrl-C with exit code 130', async () => {
    const tty = fakeTty();
    typeAfterPrompt(tty, 'abc\u0003');
    const error = await readHidden(tty.input, tty.output, 'p: ').catch((e: unknown) => e);
    expect((error as { exitCode: number }).exitCode).toBe(130);
    expect(tty.input.rawModes).toEqual([true, false]);
  });
});
