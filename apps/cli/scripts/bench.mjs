// `pnpm --filter @kms-demo/cli bench`: wall times of the built CLI, median of several runs.
//   - start-up (`--version`, `--help`) against bare Node and the original demo's boto3 import;
//   - encrypt and decrypt on the embedded default: the first command on a fresh state dir
//     (it starts the background server), then with that server running;
//   - encrypt and decrypt against a `kms-demo local start` server named by
//     `eval "$(kms-demo local env)"` (AWS_ENDPOINT_URL and credentials in the environment).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kms-demo.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function timed(command, args, { env, input } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { env: env ?? baseEnv, input: input ?? '', encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const rows = [];
function record(label, samples) {
  rows.push({ label, median: median(samples), min: Math.min(...samples), runs: samples.length });
}

function repeat(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(fn(i));
  return samples;
}

const cliRun = (args, o) => timed(process.execPath, [cli, ...args], o);

// Start-up.
record(
  'node -e 0 (bare Node start-up)',
  repeat(RUNS, () => timed(process.execPath, ['-e', '0']).ms),
);
record(
  'kms-demo --version',
  repeat(RUNS, () => cliRun(['--version']).ms),
);
record(
  'kms-demo --help',
  repeat(RUNS, () => cliRun(['--help']).ms),
);
const boto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
if (boto3) {
  record(
    'python3 -c "import boto3" (original demo)',
    repeat(RUNS, () => timed('python3', ['-c', 'import boto3'], { env: process.env }).ms),
  );
}

const root = await mkdtemp(join(tmpdir(), 'kms-demo-bench-'));
const stop = (env) => spawnSync(process.execPath, [cli, 'local', 'stop'], { env });
try {
  // Embedded default, cold: every run on a fresh state dir starts a server.
  const cold = repeat(COLD_RUNS, (i) => {
    const env = { ...baseEnv, KMS_DEMO_HOME: join(root, `cold-${i}`) };
    const { ms } = cliRun(['encrypt'], { env, input: 'bench secret' });
    stop(env);
    return ms;
  });
  record('encrypt, embedded, fresh state dir (starts the server)', cold);

  // Embedded default, warm: the auto-started background server keeps running.
  const embedded = { ...baseEnv, KMS_DEMO_HOME: join(root, 'embedded') };
  const id = cliRun(['encrypt'], { env: embedded, input: 'bench secret' }).stdout.trim();
  record(
    'encrypt, embedded, server running',
    repeat(RUNS, () => cliRun(['encrypt'], { env: embedded, input: 'bench secret' }).ms),
  );
  record(
    'decrypt, embedded, server running',
    repeat(RUNS, () => cliRun(['decrypt', id], { env: embedded }).ms),
  );
  stop(embedded);

  // A foreground `local start`, used through the variables `local env` prints.
  const stateEnv = { ...baseEnv, KMS_DEMO_HOME: join(root, 'foreground') };
  const server = spawn(process.execPath, [cli, 'local', 'start', '--port', '0'], {
    env: stateEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve) => server.stdout.once('data', resolve));
  const vars = JSON.parse(cliRun(['local', 'env', '--json'], { env: stateEnv }).stdout);
  const endpointEnv = { ...baseEnv, ...vars };
  const id2 = cliRun(['encrypt'], { env: endpointEnv, input: 'bench secret' }).stdout.trim();
  record(
    'encrypt, local start + AWS_ENDPOINT_URL',
    repeat(RUNS, () => cliRun(['encrypt'], { env: endpointEnv, input: 'bench secret' }).ms),
  );
  record(
    'decrypt, local start + AWS_ENDPOINT_URL',
    repeat(RUNS, () => cliRun(['decrypt', id2], { env: endpointEnv }).ms),
  );
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
} finally {
  await rm(root, { recursive: true, force: true });
}

const width = Math.max(...rows.map((r) => r.label.length));
console.log(
  `kms-demo CLI wall times (ms), Node ${process.version}, ${spawnSync('nproc').stdout?.toString().trim()} cores\n`,
);
console.log(`${'what'.padEnd(width)}  median     min  runs`);
for (const r of rows) {
  console.log(
    `${r.label.padEnd(width)}  ${r.median.toFixed(0).padStart(6)}  ${r.min.toFixed(0).padStart(6)}  ${String(r.runs).padStart(4)}`,
  );
}
const version = rows.find((r) => r.label === 'kms-demo --version');
const py = rows.find((r) => r.label.startsWith('python3'));
if (version && py) {
  console.log(
    `\n--version takes ${(version.median / py.median).toFixed(2)}x the time of importing boto3 alone`,
  );
}
