import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const COMMANDS = new Set([
  'encrypt',
  'decrypt',
  'list',
  'ls',
  'show',
  'delete',
  'rm',
  'migrate',
  'status',
  'import',
  'export',
  'audit',
  'local',
]);
const LOCAL = new Set(['start', 'env', 'status', 'stop', 'reset']);

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every `kms-demo <word>` a message, hint or doc of the CLI tells a user to run. */
async function mentions(): Promise<Array<[string, string]>> {
  const files = [
    ...(await sources(join(root, 'src'))),
    join(root, 'README.md'),
    join(root, 'scripts', 'demo.mjs'),
  ];
  const found: Array<[string, string]> = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/kms-demo ((?:local )?[a-z][a-z-]*)/g))
      found.push([file, m[1] ?? '']);
  }
  return found;
}

describe('messages and docs name only commands the CLI has', () => {
  it('every `kms-demo <command>` is a real command', async () => {
    const found = await mentions();
    expect(found.length).toBeGreaterThan(20);
    const wrong = found.filter(([, words]) => {
      const [first, second] = words.split(' ');
      if (first === 'local') return second !== undefined && !LOCAL.has(second);
      return !COMMANDS.has(first ?? '');
    });
    expect(wrong).toEqual([]);
  });
});
