// Requests per second for Encrypt, Decrypt and GenerateDataKey over loopback with the AWS
// SDK v3, against the built endpoint with SigV4 auth on and off, and the CPU cost of one
// signature check. Prints medians of several rounds; asserts nothing.
//
//   pnpm --filter @kms-demo/local-aws bench
//   BENCH_ROUNDS=7 BENCH_SECONDS=2 BENCH_CONCURRENCY=16 pnpm --filter @kms-demo/local-aws bench
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { KEY_ALIAS } from '@kms-demo/spec';
import { SignatureVerifier } from '../dist/auth/verify-signature.js';
import { startLocalAws } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `call` with CONCURRENCY in flight for SECONDS; returns completed requests per second. */
async function throughput(call) {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - started) / 1000);
}

async function startServer(auth) {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-'));
  const server = await startLocalAws({ stateDir, auth });
  const client = new KMSClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  const plaintext = Buffer.alloc(64, 7);
  const { CiphertextBlob } = await client.send(
    new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: plaintext }),
  );
  const operations = {
    Encrypt: () => client.send(new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: plaintext })),
    Decrypt: () => client.send(new DecryptCommand({ CiphertextBlob })),
    GenerateDataKey: () =>
      client.send(new GenerateDataKeyCommand({ KeyId: KEY_ALIAS, KeySpec: 'AES_256' })),
  };
  return {
    operations,
    credentials: server.credentials,
    endpoint: server.endpoint,
    region: server.region,
    async stop() {
      client.destroy();
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
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

const servers = { on: await startServer(true), off: await startServer(false) };
try {
  const results = {};
  for (const name of Object.keys(servers.on.operations)) {
    // Warm up both, then alternate auth on/off rounds so drift hits both alike.
    await throughput(servers.on.operations[name]);
    await throughput(servers.off.operations[name]);
    const on = [];
    const off = [];
    for (let round = 0; round < ROUNDS; round++) {
      on.push(await throughput(servers.on.operations[name]));
      off.push(await throughput(servers.off.operations[name]));
    }
    results[name] = { on: median(on), off: median(off) };
  }
  const verifyMicros = await verifyCost(servers.on);

  console.log(
    `local KMS over loopback, AWS SDK v3, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds x ${SECONDS}s (Node ${process.version})`,
  );
  console.log('operation          auth on req/s   auth off req/s   on/off');
  for (const [name, { on, off }] of Object.entries(results)) {
    console.log(
      `${name.padEnd(18)} ${on.toFixed(0).padStart(13)}   ${off.toFixed(0).padStart(14)}   ${(on / off).toFixed(2).padStart(6)}`,
    );
  }
  console.log(`SigV4 verification alone: ${verifyMicros.toFixed(1)} µs per request (median)`);
} finally {
  await servers.on.stop();
  await servers.off.stop();
}
