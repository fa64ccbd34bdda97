import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleOptions } from '../../scripts/bundle-options.mjs';

// The bundle puts stand-ins where start-up work is rarely needed (scripts/bundle-plugins.mjs);
// bundled here with the CLI's own options, they must do what they stand in for.
//
// The Encryption SDK's ECDSA set-up (asn1.js shapes, the curves' Montgomery forms) runs
// on first use. The CLI never meets a signed message (core refuses every suite but 0x0478
// before the SDK sees it), so this makes a round trip through the SDK's default suite,
// which signs with ECDSA P-384, and decodes compressed points.
const coreDir = fileURLToPath(new URL('../../../../packages/core/', import.meta.url));
// VerificationKey (the curve module's user) is not re-exported by the -node packages.
const materialManagement = join(
  dirname(realpathSync(createRequire(coreDir).resolve('@aws-crypto/material-management-node'))),
  '../../../../material-management/build/module/src/index.js',
);
const roundTrip = `
import { randomBytes } from 'node:crypto';
import { createECDH } from 'node:crypto';
import {
  buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { VerificationKey } from '${materialManagement}';
const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
const keyring = new RawAesKeyringNode({
  keyName: 'check', keyNamespace: 'bundle', unencryptedMasterKey: randomBytes(32),
  wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
});
const { result } = await encrypt(keyring, 'signed round trip', { encryptionContext: { appuser: 'u1' } });
const { plaintext, messageHeader } = await decrypt(keyring, result);
let tampered = 'accepted';
try {
  const bad = Buffer.from(result);
  bad[bad.length - 1] ^= 1;
  await decrypt(keyring, bad);
} catch (error) {
  tampered = 'refused';
}
// The curve module's one use: a compressed public key back to its full point.
const points = [['prime256v1', 'P-256'], ['secp384r1', 'P-384']].map(([curve, signatureCurve]) => {
  const ecdh = createECDH(curve);
  ecdh.generateKeys();
  const full = VerificationKey.decodeCompressPoint(ecdh.getPublicKey(undefined, 'compressed'), { signatureCurve });
  return Buffer.from(full).equals(ecdh.getPublicKey()) ? 'decoded' : 'wrong';
});
console.log(JSON.stringify({ suiteId: messageHeader.suiteId, plaintext: plaintext.toString(), tampered, points }));
`;

// yargs checks its own state with node:assert on every run; the stand-ins compare alike
// and call node:assert, loading it only then: whatever a misuse gets from yargs unbundled
// (an AssertionError; on Node >= 26 a TypeError, as yargs passes an undefined message),
// it gets from the bundle.
const cliDir = fileURLToPath(new URL('../../', import.meta.url));
const yargsChecks = `
import yargs from 'yargs';
const loaded = () => process.moduleLoadList.includes('NativeModule assert');
const outcome = (misuse) => {
  try {
    misuse();
    return 'passed';
  } catch (error) {
    return \`\${error.name} \${error.code}\`;
  }
};
const valid = outcome(() => yargs([]).demand(1, 'a message').default('x', () => 1).parse(['cmd']));
const before = loaded();
console.log(JSON.stringify({
  valid,
  assertLoadedBeforeAFailure: before,
  notStrictEqual: outcome(() => yargs([]).demand(1, true)),
  strictEqual: outcome(() => yargs([]).default(['a', 'b'], () => 1)),
}));
`;

// Node's built-ins imported by name get a module of named exports (builtinsByRequire):
// the values must be Node's own, a namespace import must see them all, `require` must
// still get the module itself, and an import of one name must read only that one (no
// lazy getter of the others runs: fs.ReadStream's loads Node's internal/fs/streams).
const builtinImports = `
import fs, { readFileSync, promises, ReadStream } from 'node:fs';
import { sep } from 'path';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
const real = createRequire(import.meta.url);
const os = require('node:os');
console.log(JSON.stringify({
  named: readFileSync === real('fs').readFileSync && promises === real('fs').promises && ReadStream === real('fs').ReadStream,
  defaultImport: fs === real('fs'),
  primitive: sep === real('path').sep,
  namespace: zlib.crc32 === real('zlib').crc32 && Object.keys(real('zlib')).every((k) => k in zlib),
  required: os === real('os'),
}));
`;
const oneName = `
import { readFileSync } from 'node:fs';
console.log(JSON.stringify({
  read: typeof readFileSync,
  fsStreamsLoaded: process.moduleLoadList.includes('NativeModule internal/fs/streams'),
}));
`;

let dir: string;
let metafile: Metafile;
let builtinsMetafile: Metafile;

async function bundle(contents: string, resolveDir: string, name: string): Promise<Metafile> {
  const { entryPoints: _entries, outdir: _outdir, chunkNames: _chunks, ...options } = bundleOptions;
  const result = await build({
    ...options,
    stdin: { contents, resolveDir, sourcefile: name, loader: 'js' },
    splitting: false,
    outfile: join(dir, name),
    logLevel: 'silent',
  });
  return result.metafile as Metafile;
}

function run(name: string, cwd?: string): unknown {
  const r = spawnSync(process.execPath, [join(dir, name)], { encoding: 'utf8', cwd });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kms-demo-stand-ins-'));
  metafile = await bundle(roundTrip, coreDir, 'round-trip.mjs');
  await bundle(yargsChecks, cliDir, 'yargs-checks.mjs');
  builtinsMetafile = await bundle(builtinImports, cliDir, 'builtin-imports.mjs');
  await bundle(oneName, cliDir, 'one-name.mjs');
  // The same checks run by Node on yargs as installed, not bundled.
  await writeFile(join(cliDir, 'node_modules', '.yargs-checks-unbundled.mjs'), yargsChecks);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(cliDir, 'node_modules', '.yargs-checks-unbundled.mjs'), { force: true });
});

describe("the bundle's stand-ins for the Encryption SDK's signature set-up", () => {
  it('are in the bundle (asn1.js and the curve module)', () => {
    const standIns = Object.keys(metafile.inputs).filter((p) => p.startsWith('esdk-stand-in:'));
    expect(standIns.some((p) => p.includes('asn1.js'))).toBe(true);
    expect(standIns.some((p) => p.includes('ecc_decode'))).toBe(true);
  });

  it('sign and verify an ECDSA P-384 message (a changed one is refused) and decode compressed points', () => {
    expect(run('round-trip.mjs')).toEqual({
      suiteId: 0x0578,
      plaintext: 'signed round trip',
      tampered: 'refused',
      points: ['decoded', 'decoded'],
    });
  });
});

describe("the bundle's stand-in for yargs' node:assert checks", () => {
  it('pass what passes without loading node:assert, and fail as yargs does unbundled', () => {
    const unbundled = spawnSync(
      process.execPath,
      [join(cliDir, 'node_modules', '.yargs-checks-unbundled.mjs')],
      { encoding: 'utf8' },
    );
    expect(unbundled.stderr).toBe('');
    const direct = JSON.parse(unbundled.stdout) as Record<string, unknown>;
    expect(direct.notStrictEqual).toMatch(
      /^(AssertionError ERR_ASSERTION|TypeError ERR_INVALID_ARG_TYPE)$/,
    );
    expect(run('yargs-checks.mjs')).toEqual({ ...direct, assertLoadedBeforeAFailure: false });
  });
});

describe("the bundle's modules of named exports for Node's built-ins", () => {
  it('stand in for every built-in imported by name; a require still gets the module', () => {
    const inputs = Object.keys(builtinsMetafile.inputs);
    expect(inputs).toEqual(
      expect.arrayContaining([
        'builtin-by-name:fs',
        'builtin-by-name:path',
        'builtin-by-name:zlib',
      ]),
    );
    expect(inputs).toContain('builtin-by-require:os');
    expect(inputs).not.toContain('builtin-by-require:fs');
  });

  it("give Node's own values to named, default and namespace imports", () => {
    expect(run('builtin-imports.mjs')).toEqual({
      named: true,
      defaultImport: true,
      primitive: true,
      namespace: true,
      required: true,
    });
  });

  it('read only the names imported', () => {
    expect(run('one-name.mjs')).toEqual({ read: 'function', fsStreamsLoaded: false });
  });

  it('fail the build for a name the built-in does not have', async () => {
    await expect(
      bundle("import { noSuchExport } from 'node:fs'; noSuchExport();", cliDir, 'no-such.mjs'),
    ).rejects.toThrow(/No matching export in "builtin-by-name:fs" for import "noSuchExport"/);
  });
});
