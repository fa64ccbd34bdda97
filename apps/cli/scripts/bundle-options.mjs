// The esbuild options for the CLI bundle, shared by build.mjs and the test that checks
// what the bundle loads at start-up.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertOnFailure,
  builtinsByRequire,
  lazyEsdkSignatureMath,
  lazyExternal,
  lazyImports,
} from './bundle-plugins.mjs';

export const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outdir = join(cliRoot, 'dist');
/** The executable; the rest of the bundle is chunks it imports when a command needs them. */
export const outfile = join(outdir, 'kms-demo.js');

const pkg = JSON.parse(readFileSync(join(cliRoot, 'package.json'), 'utf8'));

/**
 * Stands in for the build id until build.mjs replaces it with a hash of the finished
 * bundle: the id then changes exactly when the code does, and the same length keeps the
 * bundle's layout unchanged.
 */
export const BUILD_ID_PLACEHOLDER = 'kms-demo-build-id-placeholder-00';

/**
 * Heavy modules (AWS SDK, core, the emulator) are reached only through `await import()`
 * inside command handlers. Split into chunks, each is read and compiled only when a
 * command imports it: `--help` reads yargs and the command descriptions, not 2.5 MB of
 * SDK. `module` before `main`: the AWS SDK and the Encryption SDK ship ES modules there,
 * which esbuild can trim to what is imported (a command or keyring, not all of them).
 */
export const bundleOptions = {
  // The crypto worker (src/bulk/crypto-pool.ts) is an entry of its own, next to the
  // executable, sharing its chunks.
  entryPoints: {
    'kms-demo': join(cliRoot, 'src', 'bin.ts'),
    'crypto-worker': join(cliRoot, 'src', 'bulk', 'crypto-worker.ts'),
  },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  mainFields: ['module', 'main'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [
    lazyExternal(['dynalite']),
    lazyImports([
      {
        importer: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/,
        functions: { cliui: ['default'], 'string-width': ['default'], util: ['inspect'] },
      },
      {
        importer: /[\\/](yargs-parser|y18n)[\\/]build[\\/]lib[\\/]/,
        functions: { util: ['format'] },
      },
    ]),
    assertOnFailure(/[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/),
    lazyEsdkSignatureMath(),
    builtinsByRequire(),
  ],
  define: {
    __KMS_DEMO_VERSION__: JSON.stringify(pkg.version),
    __KMS_DEMO_BUILD_ID__: JSON.stringify(BUILD_ID_PLACEHOLDER),
  },
  banner: {
    // Bundled CommonJS modules call require() for Node built-ins; ESM has none. (Every
    // chunk gets the banner; a #! line at the top of an ES module is allowed.)
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __kmsDemoCreateRequire } from 'node:module';",
      'const require = __kmsDemoCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  // Minified: less to read, hash (compile cache) and parse on every run, ~8% of a
  // decrypt's wall time measured. Names not kept: esbuild would redefine the name of every
  // function and class as it is defined (3–5 ms of a decrypt); our error classes and the
  // SDK's name their errors themselves, and the CLI prints no stack traces.
  minify: true,
  keepNames: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
