// `pnpm --filter @kms-demo/cli bench:bulk`: bulk import and export of BENCH_N (10,000)
// secrets on the local endpoint, next to the original demo's method done as well as it
// can be (one boto3 process looping kms.encrypt + put_item; for export, scan + decrypt),
// in the same run, against the same server. Prints secrets/s (median of BENCH_RUNS runs),
// KMS requests per secret, peak RSS, and the ratios, with the machine, Node version and
// load average. Also the peak RSS of validating BENCH_RSS_N (100,000) lines, to show that
// memory does not grow with the input.
//
// Both sides talk straight to the server: a counting proxy in between would be a third
// busy process on a small machine and distort the timing. KMS requests are counted from
// the server's own trail instead (one JSON line per KMS request), once it has flushed.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The SDK's notice that future releases need Node 22 is noise in a benchmark's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { CreateTableCommand, DynamoDBClient, waitUntilTableExists } = await import(
  '@aws-sdk/client-dynamodb'
);

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'kms-demo.js');
const N = Number(process.env.BENCH_N ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const RSS_N = Number(process.env.BENCH_RSS_N ?? 100_000);
const PYTHON = process.env.BENCH_PYTHON ?? '/root/.pyenv/versions/3.11.7/bin/python3';
const work = await mkdtemp(join(tmpdir(), 'kms-demo-bench-bulk-'));
const home = join(work, 'state');
const baseEnv = { PATH: process.env.PATH, HOME: process.env.HOME, KMS_DEMO_HOME: home };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs a command under /usr/bin/time for its peak RSS; resolves wall ms, RSS MiB, output. */
function measured(command, args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'RSS_KB=%M', command, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = Number(/RSS_KB=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`));
      else resolve({ ms, rss, stdout, stderr });
    });
  });
}

// The local server; both sides use its endpoint directly.
const server = spawn(process.execPath, [cli, 'local', 'start', '--port', '0'], {
  env: baseEnv,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverOut = '';
server.stdout.on('data', (c) => (serverOut += c));
server.stderr.on('data', (c) => (serverOut += c));
for (let i = 0; !/http:\/\/127\.0\.0\.1:\d+/.test(serverOut); i++) {
  if (i > 300) throw new Error(`the local server did not start:\n${serverOut}`);
  await new Promise((r) => setTimeout(r, 100));
}
const envText = spawnSync(process.execPath, [cli, 'local', 'env'], {
  env: baseEnv,
  encoding: 'utf8',
});
const localEnv = Object.fromEntries(
  [...envText.stdout.matchAll(/export (\w+)=['"]?([^'"\n]*)['"]?/g)].map((m) => [m[1], m[2]]),
);
const endpoint = localEnv.AWS_ENDPOINT_URL;
const awsEnv = {
  ...baseEnv,
  AWS_ACCESS_KEY_ID: localEnv.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: localEnv.AWS_SECRET_ACCESS_KEY,
  AWS_REGION: localEnv.AWS_REGION,
  AWS_DEFAULT_REGION: localEnv.AWS_REGION,
  AWS_ENDPOINT_URL: endpoint,
  AWS_CONFIG_FILE: join(work, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

// Lines seen per trail file; a file the trail deletes (rotation) keeps its last count.
const trailDir = join(home, 'cloudtrail');
const trailLines = new Map();
async function countLines(path) {
  let n = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n += 1;
    }
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    return undefined;
  }
  return n;
}
async function trailTotal() {
  for (const name of await readdir(trailDir)) {
    if (!/^trail-\d+\.jsonl$/.test(name)) continue;
    const n = await countLines(join(trailDir, name));
    if (n !== undefined) trailLines.set(name, Math.max(n, trailLines.get(name) ?? 0));
  }
  return [...trailLines.values()].reduce((a, b) => a + b, 0);
}
/** KMS requests recorded so far, once the trail's batched writes (100 ms) have settled. */
async function kmsRequests() {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = await trailTotal();
    if (now === last) return now;
    last = now;
  }
}

const ddb = new DynamoDBClient({
  endpoint: localEnv.AWS_ENDPOINT_URL,
  region: localEnv.AWS_REGION,
  credentials: {
    accessKeyId: localEnv.AWS_ACCESS_KEY_ID,
    secretAccessKey: localEnv.AWS_SECRET_ACCESS_KEY,
  },
});
async function createTable(name) {
  await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'appuser', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'appuser', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: ddb, maxWaitTime: 30 }, { TableName: name });
}

// The input: N secrets of 32 random characters, JSON Lines.
const input = join(work, 'secrets.jsonl');
await writeFile(
  input,
  Array.from(
    { length: N },
    () => `${JSON.stringify({ secret: randomBytes(24).toString('base64') })}\n`,
  ).join(''),
);

const boto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const BOTO3_IMPORT = `
import json, random, sys, boto3
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
kms, ddb = boto3.client("kms"), boto3.client("dynamodb")
table = sys.argv[2]
with open(sys.argv[1]) as f:
    for line in f:
        secret = json.loads(line)["secret"].encode()
        blob = kms.encrypt(KeyId="alias/demo-kms", Plaintext=secret)["CiphertextBlob"]
        user = "".join(random.choice(ALPHABET) for _ in range(10))
        ddb.put_item(TableName=table, Item={"appuser": {"S": user}, "userpasswd": {"B": blob}},
                     ConditionExpression="attribute_not_exists(appuser)")
`;
const BOTO3_EXPORT = `
import json, sys, boto3
kms, ddb = boto3.client("kms"), boto3.client("dynamodb")
n = 0
with open(sys.argv[2], "w") as out:
    for page in ddb.get_paginator("scan").paginate(TableName=sys.argv[1]):
        for item in page["Items"]:
            plain = kms.decrypt(CiphertextBlob=item["userpasswd"]["B"])["Plaintext"]
            out.write(json.dumps({"appuser": item["appuser"]["S"], "secret": plain.decode()}) + "\\n")
            n += 1
print(n)
`;
await writeFile(join(work, 'boto3_import.py'), BOTO3_IMPORT);
await writeFile(join(work, 'boto3_export.py'), BOTO3_EXPORT);

const loadStart = loadavg()[0].toFixed(2);
const results = { tsImport: [], pyImport: [], tsExport: [], pyExport: [] };
let tsKms = 0;
let pyKms = 0;
let tsRss = 0;
let tsExportRss = 0;
let pyRss = 0;
for (let run = 0; run < RUNS; run++) {
  const tsTable = `bench-ts-${run}`;
  const pyTable = `bench-py-${run}`;
  await createTable(tsTable);
  let before = await kmsRequests();
  const imp = await measured(
    process.execPath,
    [cli, 'import', input, '--table', tsTable, '--journal', join(work, `journal-${run}`), '--json'],
    awsEnv,
  );
  const summary = JSON.parse(imp.stdout);
  if (summary.imported !== N) throw new Error(`import stored ${summary.imported} of ${N}`);
  results.tsImport.push((N / imp.ms) * 1000);
  tsKms = ((await kmsRequests()) - before) / N;
  tsRss = Math.max(tsRss, imp.rss);
  const exp = await measured(
    process.execPath,
    [cli, 'export', '--table', tsTable, '--out', join(work, `export-ts-${run}.jsonl`)],
    awsEnv,
  );
  results.tsExport.push((N / exp.ms) * 1000);
  tsExportRss = Math.max(tsExportRss, exp.rss);

  if (boto3) {
    await createTable(pyTable);
    before = await kmsRequests();
    const py = await measured(PYTHON, [join(work, 'boto3_import.py'), input, pyTable], awsEnv);
    results.pyImport.push((N / py.ms) * 1000);
    pyKms = ((await kmsRequests()) - before) / N;
    pyRss = Math.max(pyRss, py.rss);
    const pyExp = await measured(
      PYTHON,
      [join(work, 'boto3_export.py'), pyTable, join(work, `export-py-${run}.jsonl`)],
      awsEnv,
    );
    if (Number(pyExp.stdout.trim()) !== N) throw new Error('the boto3 export missed items');
    results.pyExport.push((N / pyExp.ms) * 1000);
  }
}

// Memory with a large input: validating RSS_N lines streams them, whatever the size.
const big = join(work, 'big.jsonl');
const bigOut = createWriteStream(big);
for (let i = 0; i < RSS_N; i++) {
  if (!bigOut.write(`${JSON.stringify({ secret: randomBytes(24).toString('base64') })}\n`)) {
    await once(bigOut, 'drain');
  }
}
bigOut.end();
await once(bigOut, 'close');
const dry = await measured(process.execPath, [cli, 'import', big, '--dry-run'], awsEnv);

const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : 'n/a');
console.log(`bulk import/export of ${N} secrets on the local endpoint, median of ${RUNS} run(s)`);
console.log(
  `  machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores; Node ${process.version}; load average ${loadStart} at start, ${loadavg()[0].toFixed(2)} at end`,
);
console.log(
  `  kms-demo import:          ${f(median(results.tsImport))} secrets/s, ${tsKms.toFixed(2)} KMS requests/secret, peak RSS ${f(tsRss)} MiB`,
);
console.log(
  `  kms-demo export:          ${f(median(results.tsExport))} secrets/s, peak RSS ${f(tsExportRss)} MiB`,
);
if (boto3) {
  console.log(
    `  boto3 encrypt+put_item:   ${f(median(results.pyImport))} secrets/s, ${pyKms.toFixed(2)} KMS requests/secret, peak RSS ${f(pyRss)} MiB`,
  );
  console.log(`  boto3 scan+decrypt:       ${f(median(results.pyExport))} secrets/s`);
  console.log(
    `  ratio import (kms-demo / boto3): ${(median(results.tsImport) / median(results.pyImport)).toFixed(2)}x`,
  );
  console.log(
    `  ratio export (kms-demo / boto3): ${(median(results.tsExport) / median(results.pyExport)).toFixed(2)}x`,
  );
} else {
  console.log(`  boto3 baseline skipped: ${PYTHON} cannot import boto3 (set BENCH_PYTHON)`);
}
console.log(
  `  import --dry-run of ${RSS_N} lines: peak RSS ${f(dry.rss)} MiB (${f((RSS_N / dry.ms) * 1000)} lines/s)`,
);

ddb.destroy();
server.kill('SIGINT');
await once(server, 'close');
await rm(work, { recursive: true, force: true });
