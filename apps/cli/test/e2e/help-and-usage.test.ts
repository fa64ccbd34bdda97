import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleOptions } from '../../scripts/bundle-options.mjs';
import { cliRoot, runCli } from './cli.js';

// Only PATH: no HOME, no state dir, no AWS settings, no network needed.
const bare = { PATH: '/usr/bin:/bin' };
const run = (args: string[]) => runCli(args, { env: bare });

const COMMANDS = [
  ['encrypt'],
  ['decrypt'],
  ['list'],
  ['show'],
  ['delete'],
  ['migrate'],
  ['status'],
  ['local'],
  ['local', 'start'],
  ['local', 'env'],
  ['local', 'status'],
  ['local', 'stop'],
  ['local', 'reset'],
];

describe('--help and --version', () => {
  it('--version prints the package version alone', async () => {
    const pkg = JSON.parse(await readFile(join(cliRoot, 'package.json'), 'utf8'));
    const r = await run(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists every command and the global options, and says what to run first', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Start here: 'kms-demo encrypt'/m);
    expect(r.stdout).toContain(
      '$KMS_DEMO_HOME, else $XDG_STATE_HOME/kms-demo, else ~/.local/state/kms-demo',
    );
    for (const [command] of COMMANDS) expect(r.stdout).toContain(`kms-demo ${command}`);
    for (const option of [
      '--stack',
      '--key',
      '--table',
      '--region',
      '--endpoint',
      '--local',
      '--json',
      '--verbose',
    ]) {
      expect(r.stdout).toContain(option);
    }
  });

  it.each(COMMANDS)('%s %s --help shows examples', async (...command) => {
    const r = await run([...command.filter(Boolean), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stderr).toBe('');
  });

  it('start-up statically reaches neither the AWS SDK, core, the emulator nor dynalite', async () => {
    // A module that main.ts reaches through static imports is loaded at start-up;
    // everything behind `await import()` waits until a command runs.
    // (test/e2e/startup-modules.test.ts checks what a run really loads.)
    const result = await build({ ...bundleOptions, write: false, logLevel: 'silent' });
    const metafile = result.metafile as Metafile;
    const eager = staticClosure(metafile, 'src/bin.ts');
    const heavy = /@aws-sdk|@smithy|@aws-crypto|packages\/core|packages\/local-aws|dynalite/;
    expect([...eager].filter((p) => heavy.test(p))).toEqual([]);
    // main.ts imports the yargs program only for a command line other than a bare decrypt.
    expect([...staticClosure(metafile, 'src/main.ts')].some((p) => p.includes('yargs'))).toBe(
      false,
    );
    expect([...staticClosure(metafile, 'src/program.ts')].some((p) => p.includes('yargs'))).toBe(
      true,
    );
    // The check can fail: the session module does reach the SDK statically.
    expect([...staticClosure(metafile, 'src/session.ts')].some((p) => heavy.test(p))).toBe(true);
  });
});

function staticClosure(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const edge of metafile.inputs[path]?.imports ?? []) {
      if (edge.kind !== 'dynamic-import' && !edge.external) visit(edge.path);
    }
  };
  visit(entry);
  return seen;
}

describe('usage errors exit 2', () => {
  it('prints the overview on stderr when no command is given', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Commands:');
    expect(r.stderr).toContain('kms-demo encrypt');
  });
});

describe('usage errors exit 2 with one line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      'an unknown command',
      ['frobnicate'],
      /unknown command 'frobnicate' \(see 'kms-demo --help'\)/,
    ],
    ['a mistyped command', ['encrpyt'], /unknown command; did you mean 'encrypt'\?/],
    ['an unknown option', ['encrypt', '--frob'], /Unknown argument: frob.*kms-demo encrypt --help/],
    [
      'a missing argument',
      ['decrypt'],
      /missing the user id: kms-demo decrypt <user>.*decrypt --help/,
    ],
    [
      'a bad choice, without quoting the value',
      ['encrypt', '--scheme', 'rot13'],
      /^kms-demo: --scheme must be one of envelope, direct \(see[^"]*$/,
    ],
    [
      'extra words after an argv secret, without quoting any',
      ['encrypt', 'correct', 'horse', 'staple'],
      /^kms-demo: encrypt takes at most one secret argument; quote it[^"]*kms-demo encrypt --help'\)$/,
    ],
    [
      'an unknown option after an argv secret names the option only',
      ['encrypt', 'correct', '--frob', 'horse'],
      /^kms-demo: Unknown argument: frob \(see/,
    ],
    ['conflicting options', ['status', '--local', '--stack', 'dev'], /mutually exclusive/],
    ['migrate without a target', ['migrate'], /name one user id or pass --all/],
    ['local without a subcommand', ['local'], /name a local command: start, env, status/],
    ['a bad port', ['local', 'start', '--port', '70000'], /--port must be a TCP port/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kms-demo: /);
    expect(lines[0]).toMatch(message);
    if (args[0] === 'encrypt') {
      for (const word of ['correct', 'horse', 'staple', 'rot13'])
        expect(lines[0]).not.toContain(word);
    }
  });
});

describe('bad input is refused before anything is resolved or contacted', () => {
  // A state dir that must not even be created: no config resolution, no local server.
  const stateDir = join(tmpdir(), `kms-demo-untouched-${process.pid}`);
  // A home of its own: on Node >= 22.1 the CLI keeps its compile cache under ~/.cache.
  const home = join(tmpdir(), `kms-demo-home-${process.pid}`);
  const cases: Array<[string, string[], string, RegExp]> = [
    ['a malformed id to decrypt', ['decrypt', 'BAD ID!'], '', /user id 'BAD ID!' is not valid/],
    ['an upper-case id to show', ['show', 'Alice'], '', /ids are lower case/],
    // delete takes any id an item can have (issue 11): only an empty one is refused early.
    ['an empty id to delete', ['delete', '', '--yes'], '', /missing the user id/],
    ['a malformed id to migrate', ['migrate', 'a/b'], '', /is not valid/],
    ['a malformed --user to encrypt', ['encrypt', '-u', 'x y'], 'pw', /is not valid/],
    ['an empty secret on stdin', ['encrypt'], '', /no secret on stdin/],
    ['an empty secret argument', ['encrypt', ''], '', /the secret argument is empty/],
    [
      'a secret too large for the direct scheme',
      ['encrypt', '--scheme', 'direct'],
      'x'.repeat(4097),
      /4097 bytes; the direct scheme takes at most 4096/,
    ],
  ];
  it.each(cases)('%s: one line, exit 2', async (_name, args, input, message) => {
    const r = await runCli(args, {
      env: { ...bare, HOME: home, KMS_DEMO_HOME: stateDir },
      input,
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    // The argv secret warning is the one line allowed before the error.
    const errors = lines.filter((l) => !l.startsWith('warning: a secret on the command line'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^kms-demo: /);
    expect(errors[0]).toMatch(message);
    expect(existsSync(stateDir)).toBe(false);
  });
});

describe('configuration mistakes exit 2 with one line naming the setting', () => {
  const home = join(tmpdir(), `kms-demo-config-${process.pid}`);
  const file = fileURLToPath(import.meta.url);
  const cases: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    [
      'an --endpoint that is not a URL',
      ['list', '--endpoint', 'notaurl'],
      {},
      /^--endpoint is not an http\(s\) URL/,
    ],
    [
      'an AWS_ENDPOINT_URL of another scheme',
      ['list'],
      { AWS_ENDPOINT_URL: 'ftp://127.0.0.1' },
      /^AWS_ENDPOINT_URL is not an http\(s\) URL/,
    ],
    [
      'a --region with a space',
      ['list', '--region', 'bad region'],
      {},
      /^--region 'bad region' is not an AWS region name/,
    ],
    [
      'an AWS_REGION of the wrong shape',
      ['list'],
      { AWS_REGION: 'EU_WEST_1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' },
      /^AWS_REGION 'EU_WEST_1' is not an AWS region name/,
    ],
    [
      'a KMS_DEMO_HOME under /proc',
      ['list'],
      { KMS_DEMO_HOME: '/proc/self/kms-demo' },
      /^KMS_DEMO_HOME \(\/proc\/self\/kms-demo\) is on a kernel file system/,
    ],
    [
      'a KMS_DEMO_HOME under a file',
      ['status'],
      { KMS_DEMO_HOME: join(file, 'state') },
      /^KMS_DEMO_HOME \(.+\) is under a file, not a directory/,
    ],
    [
      'a KMS_DEMO_HOME that is a file',
      ['encrypt'],
      { KMS_DEMO_HOME: file },
      /^KMS_DEMO_HOME \(.+\) is a file, not a directory/,
    ],
  ];
  it.each(cases)('%s', async (_name, args, env, message) => {
    const r = await runCli(args, {
      env: { ...bare, HOME: home, KMS_DEMO_HOME: home, ...env },
      input: 'pw',
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.replace(/^kms-demo: /, '')).toMatch(message);
  });

  it('accepts the region names AWS uses', async () => {
    for (const region of [
      'us-gov-west-1',
      'cn-north-1',
      'eu-central-2',
      'ap-southeast-5',
      'us-isob-east-1',
    ]) {
      // A nonexistent table behind an unreachable endpoint: the region passed the check
      // when the failure is about the connection, not the setting.
      const r = await runCli(['status', '--region', region, '--endpoint', 'http://127.0.0.1:9'], {
        env: {
          ...bare,
          HOME: home,
          KMS_DEMO_HOME: home,
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
        },
      });
      expect(r.stdout, r.stderr).toMatch(new RegExp(`^region\\s+${region}\\s+flag --region`, 'm'));
    }
  });
});
