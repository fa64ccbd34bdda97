// What the CloudTrail-shaped trail costs: KMS requests per second with the trail on and
// off (rounds interleaved, medians, the ratio), and LookupEvents over a trail of many
// records: the first lookup (which builds the index) and a walk over every page, as
// `kms-demo audit <user>` does when the user's events are the oldest. Asserts nothing.
//
//   pnpm --filter @kms-demo/local-aws bench:trail
//   BENCH_ROUNDS=7 BENCH_SECONDS=2 BENCH_RECORDS=100000 pnpm --filter @kms-demo/local-aws bench:trail
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { KEY_ALIAS } from '@kms-demo/spec';
import { startLocalAws } from '../dist/index.js';
import { callerForAccessKey } from '../dist/trail/caller.js';
import { kmsRecord } from '../dist/trail/kms-record.js';
import { Trail } from '../dist/trail/trail.js';
import { CONCURRENCY, median, ROUNDS, SECONDS, throughput } from './measure.mjs';

/** CPU microseconds (user + system, this process: client and server) per request, sequentially. */
async function cpuPerRequest(call, count = 300) {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

async function startServer(trail) {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-trail-'));
  const server = await startLocalAws({ stateDir, trail });
  const kms = new KMSClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  const context = { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: 'k3v9x2m7qa' };
  const plaintext = Buffer.alloc(64, 7);
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({ KeyId: KEY_ALIAS, Plaintext: plaintext, EncryptionContext: context }),
  );
  return {
    stateDir,
    server,
    operations: {
      Encrypt: () =>
        kms.send(
          new EncryptCommand({
            KeyId: KEY_ALIAS,
            Plaintext: plaintext,
            EncryptionContext: context,
          }),
        ),
      Decrypt: () => kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context })),
      GenerateDataKey: () =>
        kms.send(
          new GenerateDataKeyCommand({
            KeyId: KEY_ALIAS,
            KeySpec: 'AES_256',
            EncryptionContext: context,
          }),
        ),
    },
    async stop() {
      kms.destroy();
      await server.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function appendCost() {
  const on = await startServer({});
  const off = await startServer(false);
  try {
    console.log(
      `KMS requests/s, trail on vs off (${CONCURRENCY} in flight, ${ROUNDS} rounds of ${SECONDS}s, interleaved):`,
    );
    for (const name of Object.keys(on.operations)) {
      const samples = { on: [], off: [] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.off.push(await throughput(off.operations[name]));
        samples.on.push(await throughput(on.operations[name]));
      }
      const withTrail = median(samples.on);
      const without = median(samples.off);
      const cost = (1 - withTrail / without) * 100;
      console.log(
        `  ${name.padEnd(16)} on ${withTrail.toFixed(0).padStart(6)}  off ${without.toFixed(0).padStart(6)}  on/off ${(withTrail / without).toFixed(3)}  cost ${cost.toFixed(1)}%`,
      );
    }
    // CPU time is far steadier than wall time on a busy machine.
    console.log(
      `CPU µs per request (client + server in this process), trail on vs off, ${ROUNDS} rounds of 300:`,
    );
    for (const name of Object.keys(on.operations)) {
      const samples = { on: [], off: [] };
      for (let round = 0; round < ROUNDS; round++) {
        samples.off.push(await cpuPerRequest(off.operations[name]));
        samples.on.push(await cpuPerRequest(on.operations[name]));
      }
      const withTrail = median(samples.on);
      const without = median(samples.off);
      console.log(
        `  ${name.padEnd(16)} on ${withTrail.toFixed(0).padStart(6)}  off ${without.toFixed(0).padStart(6)}  on/off ${(withTrail / without).toFixed(3)}  cost ${((withTrail / without - 1) * 100).toFixed(1)}%`,
      );
    }
  } finally {
    await on.stop();
    await off.stop();
  }
}

/** A trail of `count` KMS records over the last 12 hours, 1000 users, written as the endpoint would. */
async function writeTrail(stateDir, count, accessKeyId) {
  const trail = await Trail.open(stateDir, { maxFileBytes: 16 * 1024 * 1024, maxFiles: 64 });
  const caller = callerForAccessKey(accessKeyId, '000000000000');
  const start = Date.now() - 12 * 3600_000;
  const keyArn = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  for (let i = 0; i < count; i++) {
    const user = `user${String(i % 1000).padStart(6, '0')}`;
    trail.append(
      kmsRecord(
        {
          caller,
          operation: i % 2 ? 'Decrypt' : 'GenerateDataKey',
          input: {
            KeyId: i % 2 ? undefined : KEY_ALIAS,
            KeySpec: i % 2 ? undefined : 'AES_256',
            EncryptionContext: { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: user },
          },
          keyArn,
          requestId: crypto.randomUUID(),
          eventId: crypto.randomUUID(),
          time: new Date(start + (i * 12 * 3600_000) / count),
          region: 'us-east-1',
          sourceIp: '127.0.0.1',
          userAgent:
            'aws-sdk-js/3.1163.0 ua/2.1 os/linux#6.18 lang/js md/nodejs#20.20.2 api/kms#3.1163.0 m/N,E,e',
        },
        '000000000000',
      ),
    );
    if (i % 5000 === 4999) await trail.flush();
  }
  await trail.close();
}

/**
 * CPU microseconds to build and append one record, a batch written and fsynced every 50
 * records (more often than the endpoint does): the trail's own share of a request.
 */
async function appendPathCost() {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-append-'));
  try {
    const trail = await Trail.open(stateDir, { maxFiles: 64 });
    const caller = callerForAccessKey('AKIABENCHBENCHBENCH2', '000000000000');
    const input = {
      KeyId: KEY_ALIAS,
      Plaintext: 'x'.repeat(88),
      EncryptionContext: { appuser: 'k3v9x2m7qa', table: 'demo-kms', purpose: 'kms-demo/secret' },
    };
    const output = {
      KeyId: 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    };
    const samples = [];
    for (let round = 0; round < ROUNDS; round++) {
      const count = 5000;
      const before = process.cpuUsage();
      for (let i = 0; i < count; i++) {
        trail.append(
          kmsRecord(
            {
              caller,
              operation: 'Encrypt',
              input,
              output,
              requestId: crypto.randomUUID(),
              eventId: crypto.randomUUID(),
              time: new Date(),
              region: 'us-east-1',
              sourceIp: '127.0.0.1',
              userAgent:
                'aws-sdk-js/3.1163.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/kms#3.1163.0',
            },
            '000000000000',
          ),
        );
        if (i % 50 === 49) await trail.flush();
      }
      await trail.flush();
      const used = process.cpuUsage(before);
      samples.push((used.user + used.system) / count);
    }
    await trail.close();
    console.log(
      `CPU µs to build, append and (every 50) fsync one record: median ${median(samples).toFixed(1)} over ${ROUNDS} rounds of 5000`,
    );
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function lookupCost() {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-lookup-'));
  try {
    await writeTrail(stateDir, RECORDS, 'AKIABENCHBENCHBENCH2');
    const server = await startLocalAws({ stateDir, trail: { maxFiles: 64 } });
    const client = new CloudTrailClient({
      endpoint: server.endpoint,
      region: server.region,
      credentials: server.credentials,
      maxAttempts: 1,
    });
    const input = {
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }],
      MaxResults: 50,
    };
    let started = performance.now();
    await client.send(new LookupEventsCommand(input));
    const first = performance.now() - started;
    const walks = [];
    let events = 0;
    for (let round = 0; round < Math.min(ROUNDS, 3); round++) {
      started = performance.now();
      events = 0;
      let NextToken;
      do {
        const page = await client.send(new LookupEventsCommand({ ...input, NextToken }));
        events += page.Events.length;
        NextToken = page.NextToken;
      } while (NextToken);
      walks.push(performance.now() - started);
    }
    client.destroy();
    await server.close();
    console.log(`LookupEvents over a trail of ${RECORDS} records:`);
    console.log(`  first page, index built from disk   ${first.toFixed(0)} ms`);
    console.log(
      `  every page (${events} events, ${Math.ceil(events / 50)} pages)  median ${median(walks).toFixed(0)} ms`,
    );
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (process.env.BENCH_SKIP_APPEND !== '1') await appendCost();
await appendPathCost();
await lookupCost();
