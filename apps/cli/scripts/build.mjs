// Bundles the CLI into one executable ESM file. Heavy modules (AWS SDK, core, the local
// emulator) are reached only through `await import()` inside command handlers, so esbuild
// keeps them un-evaluated until a command needs them and `--help`/`--version` stay fast.
import { chmod, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const outfile = join(root, 'dist', 'kms-demo.js');

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

await rm(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  plugins: [lazyExternal(['dynalite'])],
  define: { __KMS_DEMO_VERSION__: JSON.stringify(pkg.version) },
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
});
await chmod(outfile, 0o755);

const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].bytes;
console.log(`built ${outfile} (${(bytes / 1024).toFixed(0)} KiB)`);
