// The esbuild options for the CLI bundle, shared by build.mjs and the test that checks
// what the bundle loads at start-up.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
 * dynalite stays outside the bundle (its LevelDB binding is native and found relative to
 * its own package). A plain `external` would hoist `import 'dynalite'` to the top of the
 * bundle and load LevelDB on every run, `--help` included; this stand-in module instead
 * requires it when the emulator module is first evaluated.
 */
function lazyExternal(names) {
  const filter = new RegExp(`^(${names.join('|')})$`);
  return {
    name: 'lazy-external',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'lazy-external' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({
        contents: [
          "import { createRequire } from 'node:module';",
          `const required = createRequire(import.meta.url)(${JSON.stringify(args.path)});`,
          'export default required;',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/**
 * `node:http` and `node:https` reached through `require`. An ES module import of a Node
 * built-in builds a facade of all its exports, and on Node >= 22 reading all of
 * `node:http`'s loads undici (its WebSocket and fetch classes), ~25 ms that no command
 * uses; the SDK's ES build imports `http`, its CommonJS build required it.
 */
function builtinsByRequire(names) {
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'builtins-by-require',
    setup(b) {
      b.onResolve({ filter }, (args) =>
        args.namespace === 'builtin-by-require'
          ? { path: args.path, external: true }
          : { path: args.path.replace(/^node:/, ''), namespace: 'builtin-by-require' },
      );
      b.onLoad({ filter: /.*/, namespace: 'builtin-by-require' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});`,
        loader: 'js',
      }));
    },
  };
}

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
  plugins: [lazyExternal(['dynalite']), builtinsByRequire(['http', 'https'])],
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
  // decrypt's wall time measured. Names kept: error names and stack traces stay readable.
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
