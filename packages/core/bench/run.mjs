// Prints throughput and KMS request counts for the envelope and direct schemes against
// the local emulator, and the Encryption SDK's own per-message cost (raw AES keyring, no
// KMS) for the unsigned (0x0478) and signed (0x0578) committing suites. Medians of
// several rounds. Run after `pnpm --filter @kms-demo/core build`.
//
//   BENCH_ROUNDS (default 5)  BENCH_OPS (default 100 per round)  BENCH_SDK_OPS (default 300)
// The SDK's Node-version notice would only add noise to the figures.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { randomBytes } = await import('node:crypto');
const { mkdtemp, rm } = await import('node:fs/promises');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} = await import('@aws-crypto/client-node');
const { startLocalAws } = await import('@kms-demo/local-aws');
const { createAwsClients, createSecretStore, KEY_ALIAS, TABLE_NAME } = await import(
  '../dist/index.js'
);

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPS = Number(process.env.BENCH_OPS ?? 100);
const SDK_OPS = Number(process.env.BENCH_SDK_OPS ?? 300);
const SECRET = new Uint8Array(randomBytes(32));

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (n, digits = 0) => n.toFixed(digits).padStart(8);

async function timed(count, op) {
  const start = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  return performance.now() - start;
}

async function benchStore() {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-bench-'));
  const aws = await startLocalAws({ stateDir, port: 0, faults: {} });
  const { kms, dynamodb } = createAwsClients({
    endpoint: aws.endpoint,
    region: aws.region,
    credentials: aws.credentials,
  });
  // Logical KMS requests (the initialize step runs once per call, retries excluded).
  const kmsRequests = { count: 0 };
  kms.middlewareStack.add(
    (next) => (args) => {
      kmsRequests.count += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountKmsRequests' },
  );
  const store = createSecretStore({ kms, dynamodb, keyId: KEY_ALIAS, tableName: TABLE_NAME });
  await store.resolveKeyArn();

  console.log(
    `Secret store against local-aws (${OPS} sequential ops × ${ROUNDS} rounds, 32-byte secret)`,
  );
  console.log('scheme      puts/s   gets/s  KMS req/put  KMS req/get');
  try {
    for (const scheme of ['envelope', 'direct']) {
      const rows = { puts: [], gets: [], kmsPut: [], kmsGet: [] };
      await store.put(SECRET, { scheme }); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        const ids = [];
        let before = kmsRequests.count;
        const putMs = await timed(OPS, async () => {
          ids.push((await store.put(SECRET, { scheme })).appuser);
        });
        rows.kmsPut.push((kmsRequests.count - before) / OPS);
        before = kmsRequests.count;
        const getMs = await timed(OPS, async (i) => {
          (await store.get(ids[i])).secret.fill(0);
        });
        rows.kmsGet.push((kmsRequests.count - before) / OPS);
        rows.puts.push((OPS / putMs) * 1000);
        rows.gets.push((OPS / getMs) * 1000);
      }
      console.log(
        `${scheme.padEnd(9)}${fmt(median(rows.puts))} ${fmt(median(rows.gets))} ${fmt(median(rows.kmsPut), 2)}     ${fmt(median(rows.kmsGet), 2)}`,
      );
    }
  } finally {
    kms.destroy();
    dynamodb.destroy();
    await aws.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function benchSdk() {
  const esdk = buildClient({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: 1,
  });
  const keyring = new RawAesKeyringNode({
    keyName: 'bench',
    keyNamespace: 'bench',
    unencryptedMasterKey: new Uint8Array(randomBytes(32)),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const context = { purpose: 'kms-demo/secret', table: 'demo-kms', appuser: 'benchuser01' };
  const suites = [
    ['unsigned 0x0478', AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY],
    [
      'signed   0x0578',
      AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
    ],
  ];
  const results = {};
  console.log(
    `\nEncryption SDK alone, raw AES keyring (${SDK_OPS} messages × ${ROUNDS} rounds, 32-byte plaintext)`,
  );
  console.log('suite            encrypt µs  decrypt µs  bytes');
  for (const [label, suiteId] of suites) {
    const enc = [];
    const dec = [];
    let sample = (await esdk.encrypt(keyring, SECRET, { suiteId, encryptionContext: context }))
      .result;
    for (let round = 0; round < ROUNDS; round++) {
      enc.push(
        (await timed(SDK_OPS, async () => {
          sample = (await esdk.encrypt(keyring, SECRET, { suiteId, encryptionContext: context }))
            .result;
        })) / SDK_OPS,
      );
      dec.push((await timed(SDK_OPS, () => esdk.decrypt(keyring, sample))) / SDK_OPS);
    }
    results[label] = { enc: median(enc) * 1000, dec: median(dec) * 1000 };
    console.log(
      `${label}  ${fmt(results[label].enc)}    ${fmt(results[label].dec)}   ${String(sample.length).padStart(5)}`,
    );
  }
  const [unsigned, signed] = Object.values(results);
  console.log(
    `signed / unsigned: encrypt ${(signed.enc / unsigned.enc).toFixed(1)}×, decrypt ${(signed.dec / unsigned.dec).toFixed(1)}×, round trip ${((signed.enc + signed.dec) / (unsigned.enc + unsigned.dec)).toFixed(1)}×`,
  );
}

await benchStore();
await benchSdk();
