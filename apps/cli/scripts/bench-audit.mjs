// `pnpm --filter @kms-demo/cli bench:audit`: wall times of `kms-demo audit <user>` on the
// embedded default over a trail of BENCH_RECORDS (100,000) KMS records spread over the
// last 12 hours, 1000 users taking turns (so every user's events span the whole trail).
// Prints medians next to baselines from the same run; asserts nothing.
//   - first audit: starts the background server, indexes the trail, fills the cache as
//     far as its --limit needed;
//   - cache fill: the default window (24 h, --limit 100) the first time: every page of the
//     trail is walked and kept;
//   - then each case twice per round, interleaved: live (--no-cache: every page it needs
//     is looked up, as before the cache) and cached (one LookupEvents call for what is new,
//     the rest from the cache), with their ratio;
//   - the cache's size on disk next to the trail's.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kms-demo.js');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILE_BYTES = 16 * 1024 * 1024;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function run(env, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`kms-demo ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, lines: r.stdout.trimEnd().split('\n').length - 1 };
}

/** The records the endpoint would have written, in its own file layout. */
async function writeTrail(stateDir) {
  const dir = join(stateDir, 'cloudtrail');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyArn = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const start = Date.now() - 12 * 3600_000;
  let generation = 1;
  let chunk = [];
  let bytes = 0;
  const flush = async () => {
    await writeFile(
      join(dir, `trail-${String(generation).padStart(6, '0')}.jsonl`),
      chunk.join(''),
      {
        mode: 0o600,
      },
    );
    generation += 1;
    chunk = [];
    bytes = 0;
  };
  for (let i = 0; i < RECORDS; i++) {
    const decrypt = i % 2 === 1;
    const user = `user${String(i % 1000).padStart(6, '0')}`;
    const line = `${JSON.stringify({
      eventVersion: '1.08',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDABENCHBENCHBENCH2',
        arn: 'arn:aws:iam::000000000000:user/kms-demo-app',
        accountId: '000000000000',
        accessKeyId: 'AKIABENCHBENCHBENCH2',
        userName: 'kms-demo-app',
      },
      eventTime: new Date(start + (i * 12 * 3600_000) / RECORDS)
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'kms.amazonaws.com',
      eventName: decrypt ? 'Decrypt' : 'GenerateDataKey',
      awsRegion: 'us-east-1',
      sourceIPAddress: '127.0.0.1',
      userAgent: 'aws-sdk-js/3.1163.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.1163.0',
      requestParameters: {
        keyId: decrypt ? keyArn : 'alias/demo-kms',
        encryptionContext: { appuser: user, purpose: 'kms-demo/secret', table: 'demo-kms' },
        ...(decrypt ? { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' } : { keySpec: 'AES_256' }),
      },
      responseElements: null,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: true,
      resources: [{ accountId: '000000000000', type: 'AWS::KMS::Key', ARN: keyArn }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '000000000000',
      eventCategory: 'Management',
    })}\n`;
    chunk.push(line);
    bytes += Buffer.byteLength(line);
    if (bytes >= FILE_BYTES) await flush();
  }
  if (chunk.length > 0) await flush();
  return generation - 1;
}

/** Bytes of the files under `dir`. */
async function diskBytes(dir) {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const sandbox = await mkdtemp(join(tmpdir(), 'kms-demo-bench-audit-'));
const stateDir = join(sandbox, 'state');
const env = { PATH: process.env.PATH, HOME: sandbox, KMS_DEMO_HOME: stateDir };
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
try {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const files = await writeTrail(stateDir);
  console.log(
    `kms-demo audit over ${RECORDS} trail records in ${files} files (${RUNS} runs each, medians):`,
  );
  const line = (label, ms, extra) =>
    console.log(`  ${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms  ${extra}`);
  const once = (label, args) => {
    const r = run(env, args);
    line(label, r.ms, `(${r.lines} events)`);
    return r.ms;
  };
  const repeat = (args, runs = RUNS) => {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(run(env, args).ms);
    return median(samples);
  };
  once('first audit user000500 --limit 10 (starts the server)', [
    'audit',
    'user000500',
    '--limit',
    '10',
  ]);
  once('cache fill: audit user000500 (24 h: walks every page)', ['audit', 'user000500']);
  const version = repeat(['--version']);
  line('baseline: kms-demo --version', version, '');
  line('baseline: kms-demo list (one Scan, server running)', repeat(['list']), '');
  const cases = [
    ['audit user000500 --limit 10', ['audit', 'user000500', '--limit', '10']],
    ['audit user000500 --since 1h', ['audit', 'user000500', '--since', '1h']],
    ['audit user000500 (24 h, --limit 100)', ['audit', 'user000500']],
    ['audit user000500 --json (24 h, --limit 100)', ['audit', 'user000500', '--json']],
    ['audit (whole table, 24 h, --limit 100)', ['audit']],
  ];
  const samples = cases.map(() => ({ live: [], cached: [], lines: 0 }));
  // A live walk of every page takes seconds: fewer rounds of those.
  const rounds = Math.min(RUNS, 3);
  for (let round = 0; round < rounds; round++) {
    cases.forEach(([, args], i) => {
      const s = samples[i];
      s.live.push(run(env, [...args, '--no-cache']).ms);
      const r = run(env, args);
      s.cached.push(r.ms);
      s.lines = r.lines;
    });
  }
  console.log(`  live (--no-cache) vs cached, interleaved, ${rounds} rounds:`);
  cases.forEach(([label], i) => {
    const s = samples[i];
    const live = median(s.live);
    const cached = median(s.cached);
    console.log(
      `  ${label.padEnd(46)} live ${live.toFixed(0).padStart(6)} ms  cached ${cached.toFixed(0).padStart(5)} ms  ${(live / cached).toFixed(1).padStart(5)}x faster  (${(cached / version).toFixed(1)}x --version; ${s.lines} lines)`,
    );
  });
  console.log(
    `  on disk: cache ${mib(await diskBytes(join(stateDir, 'audit-cache')))}, trail ${mib(await diskBytes(join(stateDir, 'cloudtrail')))}`,
  );
} finally {
  spawnSync(process.execPath, [cli, 'local', 'stop'], { env, stdio: 'ignore' });
  await rm(sandbox, { recursive: true, force: true });
}
