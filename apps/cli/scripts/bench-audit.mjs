// `pnpm --filter @kms-demo/cli bench:audit`: wall times of `kms-demo audit <user>` on the
// embedded default over a trail of BENCH_RECORDS (100,000) KMS records spread over the
// last 12 hours, 1000 users taking turns (so every user's events span the whole trail).
// Prints medians next to `kms-demo status`-free baselines from the same run; asserts nothing.
//   - cold: the first audit, which starts the background server and indexes the trail;
//   - warm: the server running, for a user's newest 10 events, its last hour, and its
//     default window (24 h, --limit 100: every page of the trail is walked).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

const sandbox = await mkdtemp(join(tmpdir(), 'kms-demo-bench-audit-'));
const stateDir = join(sandbox, 'state');
const env = { PATH: process.env.PATH, HOME: sandbox, KMS_DEMO_HOME: stateDir };
try {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const files = await writeTrail(stateDir);
  console.log(
    `kms-demo audit over ${RECORDS} trail records in ${files} files (${RUNS} runs each, medians):`,
  );
  const rows = [];
  const measure = (label, args, runs = RUNS) => {
    const samples = [];
    let lines = 0;
    for (let i = 0; i < runs; i++) {
      const r = run(env, args);
      samples.push(r.ms);
      lines = r.lines;
    }
    rows.push([label, median(samples), lines]);
  };
  measure(
    'cold: first audit (starts the server, indexes the trail)',
    ['audit', 'user000500', '--limit', '10'],
    1,
  );
  measure('baseline: kms-demo --version', ['--version']);
  measure('baseline: kms-demo list (one Scan, server running)', ['list']);
  measure('audit user000500 --limit 10', ['audit', 'user000500', '--limit', '10']);
  measure('audit user000500 --since 1h', ['audit', 'user000500', '--since', '1h']);
  measure(
    'audit user000500 (24 h, --limit 100: walks every page)',
    ['audit', 'user000500'],
    Math.min(RUNS, 3),
  );
  for (const [label, ms, lines] of rows) {
    console.log(`  ${label.padEnd(60)} ${ms.toFixed(0).padStart(7)} ms  (${lines} events)`);
  }
  const version = rows[1][1];
  const walk = rows.at(-1)[1];
  console.log(`  full walk vs --version: ${(walk / version).toFixed(1)}x`);
} finally {
  spawnSync(process.execPath, [cli, 'local', 'stop'], { env, stdio: 'ignore' });
  await rm(sandbox, { recursive: true, force: true });
}
