// Requests per second for Encrypt, Decrypt, GenerateDataKey and a DynamoDB GetItem over
// loopback with the AWS SDK v3, signed as the `app` principal, against the built endpoint
// with authorization (key policy + identity policies) on and off, and with SigV4 auth off
// altogether; and the CPU cost of one signature check and of one authorization decision.
// Prints medians of several rounds and the share of throughput authorization costs;
// asserts nothing.
//
//   pnpm --filter @kms-demo/local-aws bench
//   BENCH_ROUNDS=7 BENCH_SECONDS=2 BENCH_CONCURRENCY=16 pnpm --filter @kms-demo/local-aws bench
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { KEY_ALIAS, TABLE_NAME } from '@kms-demo/spec';
import { SignatureVerifier } from '../dist/auth/verify-signature.js';
import { authorize } from '../dist/authz/authorize.js';
import { compilePolicy } from '../dist/authz/compiled-policy.js';
import { localKeyPolicy, startLocalAws } from '../dist/index.js';
import { CONCURRENCY, median, ROUNDS, SECONDS, throughput } from './measure.mjs';

/** What the CLI sends: every KMS call names this table in its encryption context. */
const CONTEXT = { table: TABLE_NAME, appuser: 'bench', purpose: 'kms-demo/secret' };

async function startServer({ auth, authorization }) {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-'));
  const server = await startLocalAws({ stateDir, auth, authorization });
  const config = {
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.principals.app.credentials,
    maxAttempts: 1,
  };
  const client = new KMSClient(config);
  const dynamo = new DynamoDBClient(config);
  const plaintext = Buffer.alloc(64, 7);
  const encrypt = new EncryptCommand({
    KeyId: KEY_ALIAS,
    Plaintext: plaintext,
    EncryptionContext: CONTEXT,
  });
  const { CiphertextBlob } = await client.send(encrypt);
  const operations = {
    Encrypt: () => client.send(encrypt),
    Decrypt: () => client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: CONTEXT })),
    GenerateDataKey: () =>
      client.send(
        new GenerateDataKeyCommand({
          KeyId: KEY_ALIAS,
          KeySpec: 'AES_256',
          EncryptionContext: CONTEXT,
        }),
      ),
    'dynamodb GetItem': () =>
      dynamo.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { appuser: { S: 'bench' } } })),
  };
  return {
    operations,
    server,
    credentials: server.credentials,
    endpoint: server.endpoint,
    region: server.region,
    async stop() {
      client.destroy();
      dynamo.destroy();
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** Microseconds of CPU for one authorization decision: app's Encrypt under the real policies. */
function authorizeCost(server) {
  const caller = {
    name: 'app',
    arn: server.principals.app.arn,
    accountId: '000000000000',
    identityPolicies: server.principals.app.policies.map((p) => compilePolicy(p)),
  };
  const keyPolicy = compilePolicy(
    localKeyPolicy({ accountId: '000000000000', allowLegacyItems: true }),
  );
  const request = {
    action: 'kms:Encrypt',
    resource: server.keyArn,
    keyPolicy,
    context: new Map([
      ['kms:encryptioncontext:table', [TABLE_NAME]],
      ['kms:encryptioncontextkeys', Object.keys(CONTEXT)],
    ]),
  };
  if (authorize(caller, request) !== undefined) throw new Error('bench decision was a denial');
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    const n = 20000;
    const started = performance.now();
    for (let i = 0; i < n; i++) authorize(caller, request);
    samples.push(((performance.now() - started) * 1000) / n);
  }
  return median(samples);
}

/** Microseconds of CPU for one SigV4 verification of a typical Encrypt request. */
async function verifyCost(server) {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const { Sha256 } = await import('@aws-crypto/sha256-js');
  const url = new URL(server.endpoint);
  const body = JSON.stringify({
    KeyId: KEY_ALIAS,
    Plaintext: Buffer.alloc(64, 7).toString('base64'),
  });
  const signer = new SignatureV4({
    credentials: server.credentials,
    region: server.region,
    service: 'kms',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Encrypt',
    },
    body,
  });
  const headers = Object.fromEntries(
    Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), [String(v)]]),
  );
  const request = { method: 'POST', url: '/', headers, body: Buffer.from(body) };
  const verifier = new SignatureVerifier(server.credentials, server.region);
  if ((await verifier.verify(request, 'kms')) !== undefined)
    throw new Error('bench request did not verify');
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    const n = 2000;
    const started = performance.now();
    for (let i = 0; i < n; i++) await verifier.verify(request, 'kms');
    samples.push(((performance.now() - started) * 1000) / n);
  }
  return median(samples);
}

const servers = {
  authz: await startServer({ auth: true, authorization: true }),
  auth: await startServer({ auth: true, authorization: false }),
  off: await startServer({ auth: false }),
};
try {
  const results = {};
  for (const name of Object.keys(servers.authz.operations)) {
    // Warm up all, then alternate rounds so drift hits each alike.
    for (const server of Object.values(servers)) await throughput(server.operations[name]);
    const samples = { authz: [], auth: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, server] of Object.entries(servers)) {
        samples[key].push(await throughput(server.operations[name]));
      }
    }
    results[name] = Object.fromEntries(
      Object.entries(samples).map(([key, values]) => [key, median(values)]),
    );
    // Paired per round (the two servers ran back to back): steadier on a busy machine
    // than the ratio of the two medians.
    results[name].ratio = median(samples.authz.map((value, i) => value / samples.auth[i]));
  }
  const verifyMicros = await verifyCost(servers.auth);
  const authorizeMicros = authorizeCost(servers.authz.server);

  console.log(
    `local endpoint over loopback as the app principal, AWS SDK v3, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds x ${SECONDS}s (Node ${process.version})`,
  );
  console.log(
    'operation          authz on req/s   authz off req/s   on/off (paired)   authz cost   auth off req/s',
  );
  let worst = 0;
  for (const [name, { authz, auth, off, ratio }] of Object.entries(results)) {
    const cost = 1 - ratio;
    worst = Math.max(worst, cost);
    console.log(
      `${name.padEnd(18)} ${authz.toFixed(0).padStart(14)}   ${auth.toFixed(0).padStart(15)}   ${ratio.toFixed(2).padStart(15)}   ${`${(cost * 100).toFixed(1)}%`.padStart(10)}   ${off.toFixed(0).padStart(14)}`,
    );
  }
  console.log(`SigV4 verification alone: ${verifyMicros.toFixed(1)} µs per request (median)`);
  console.log(`one authorization decision alone: ${authorizeMicros.toFixed(2)} µs (median)`);
  console.log(
    `authorization costs at most ${(worst * 100).toFixed(1)}% of throughput (budget: under 15%)${worst < 0.15 ? '' : ' -- OVER BUDGET'}`,
  );
} finally {
  for (const server of Object.values(servers)) await server.stop();
}
