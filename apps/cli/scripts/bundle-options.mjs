// The esbuild options for the one-file CLI bundle, shared by build.mjs and the test that
// checks what the bundle evaluates at start-up.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outfile = join(cliRoot, 'dist', 'kms-demo.js');

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
 * Heavy modules (AWS SDK, core, the emulator) are reached only through `await import()`
 * inside command handlers; esbuild wraps them so they are not evaluated until then, and
 * `--help`/`--version` stay fast.
 */
export const bundleOptions = {
  entryPoints: [join(cliRoot, 'src', 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [lazyExternal(['dynalite'])],
  define: {
    __KMS_DEMO_VERSION__: JSON.stringify(pkg.version),
    __KMS_DEMO_BUILD_ID__: JSON.stringify(BUILD_ID_PLACEHOLDER),
  },
  banner: {
    // Bundled CommonJS modules call require() for Node built-ins; ESM has none.
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __kmsDemoCreateRequire } from 'node:module';",
      'const require = __kmsDemoCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};
