import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleOptions } from '../../scripts/bundle-options.mjs';

// What `--version` and `--help` really load, traced in a run of the bundle (built here
// with the build's own options): every chunk file the process loads, mapped back through
// esbuild's metafile to the source modules inside it. A start-up that loads the AWS SDK,
// the Encryption SDK, core, the emulator or dynalite fails here, not in a benchmark.
const HEAVY = /@aws-sdk|@smithy|@aws-crypto|packages\/core\/|packages\/local-aws\/|dynalite/;
const tracer = fileURLToPath(new URL('./trace-loads.mjs', import.meta.url));

let dir: string;
let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-demo-startup-'));
  outdir = join(dir, 'dist');
  const result = await build({ ...bundleOptions, outdir, write: true, logLevel: 'silent' });
  metafile = result.metafile as Metafile;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The source modules (metafile input paths) and CommonJS files one run loaded. */
async function loadedBy(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; modules: string[]; builtins: string[]; segmenters: number }> {
  const traceFile = join(dir, 'trace.txt');
  const r = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(tracer).href, join(outdir, 'kms-demo.js'), ...args],
    { env: { PATH: '/usr/bin:/bin', KMS_DEMO_TRACE_FILE: traceFile, ...env }, encoding: 'utf8' },
  );
  const loaded = (await readFile(traceFile, 'utf8')).split('\n').filter(Boolean);
  const modules: string[] = [];
  const builtins: string[] = [];
  let segmenters = 0;
  for (const entry of loaded) {
    if (entry.startsWith('node:')) continue;
    if (entry.startsWith('builtin:')) {
      builtins.push(entry.slice('builtin:'.length));
      continue;
    }
    if (entry === 'Intl.Segmenter') {
      segmenters++;
      continue;
    }
    const file = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
    const output = metafile.outputs[relative(process.cwd(), file)];
    // A file outside the bundle (a CommonJS package such as dynalite) counts as itself.
    modules.push(...(output ? Object.keys(output.inputs) : [file]));
  }
  return { code: r.status, modules, builtins, segmenters };
}

describe('what start-up loads', () => {
  it.each([[['--version']], [['--help']], [['decrypt', '--help']], [['local', 'start', '--help']]])(
    '%j loads none of the AWS SDK, the Encryption SDK, core, the emulator or dynalite',
    async (args) => {
      const { code, modules } = await loadedBy(args);
      expect(code).toBe(0);
      expect(modules.filter((m) => HEAVY.test(m))).toEqual([]);
    },
  );

  it('--version loads not even yargs', async () => {
    const { modules } = await loadedBy(['--version']);
    expect(modules.filter((m) => m.includes('yargs'))).toEqual([]);
    expect(modules).toContain('src/bin.ts');
  });

  it('a bare `decrypt <id>` runs without yargs; with an option, yargs parses it', async () => {
    const bare = await loadedBy(['decrypt', 'NOT VALID']);
    expect(bare.code).toBe(2);
    expect(bare.modules).toContain('src/commands/decrypt.ts');
    expect(bare.modules.filter((m) => m.includes('yargs'))).toEqual([]);
    const parsed = await loadedBy(['decrypt', 'NOT VALID', '--no-json']);
    expect(parsed.code).toBe(2);
    expect(parsed.modules.some((m) => m.includes('yargs'))).toBe(true);
  });

  it("a bad id is refused after loading core's input checks only, not the SDK", async () => {
    const { code, modules } = await loadedBy(['decrypt', 'NOT VALID']);
    expect(code).toBe(2);
    expect(modules.some((m) => /packages\/core\/.*storage\/ids/.test(m))).toBe(true);
    expect(modules.filter((m) => /@aws-sdk|@aws-crypto/.test(m))).toEqual([]);
  });

  // What only some commands need stays out of the others' start-up: the help-text width
  // work (string-width builds an Intl.Segmenter), terminal prompts (tty, readline) and
  // running pulumi or the server (child_process). (worker_threads cannot be checked so:
  // the tracer's own loader hook runs on a worker thread.)
  const PROMPT_AND_SPAWN = ['tty', 'readline', 'child_process'];

  it('decrypt of a bad id builds no Intl.Segmenter and loads no prompt or spawn built-in', async () => {
    const { code, builtins, segmenters } = await loadedBy(['decrypt', 'NOT VALID']);
    expect(code).toBe(2);
    expect(segmenters).toBe(0);
    expect(builtins.filter((b) => PROMPT_AND_SPAWN.includes(b))).toEqual([]);
  });

  it('--help does build the Intl.Segmenter it measures text with (the trace can see it)', async () => {
    const { code, segmenters } = await loadedBy(['--help']);
    expect(code).toBe(0);
    expect(segmenters).toBeGreaterThan(0);
  });

  it('the trace can fail: a command that reaches the store loads core and the SDK', async () => {
    // Nothing listens on port 9: the request fails at once, after the SDK has loaded.
    const { code, modules, builtins, segmenters } = await loadedBy(['decrypt', 'abcde'], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'example-secret-of-a-test-that-sends-nothing',
      AWS_REGION: 'us-east-1',
    });
    expect(code).toBe(1);
    expect(modules.some((m) => /packages\/core\/.*secret-store/.test(m))).toBe(true);
    expect(modules.some((m) => m.includes('@aws-sdk'))).toBe(true);
    // ...and still no help-text width work, prompt or spawn built-in on the way.
    expect(segmenters).toBe(0);
    expect(builtins.filter((b) => PROMPT_AND_SPAWN.includes(b))).toEqual([]);
  });
});
