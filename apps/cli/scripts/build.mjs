// Bundles the CLI into one executable ESM file, dist/kms-demo.js, and stamps it with a
// build id: a hash of the bundle, recorded by the background server it starts so that a
// later build can tell that server runs other code.
import { createHash } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { BUILD_ID_PLACEHOLDER, bundleOptions, outfile } from './bundle-options.mjs';

await rm(dirname(outfile), { recursive: true, force: true });
const result = await build({ ...bundleOptions, write: false });
const bundle = result.outputFiles.find((f) => f.path === outfile);
if (!bundle) throw new Error(`esbuild produced no ${outfile}`);
const text = bundle.text;
if (text.split(BUILD_ID_PLACEHOLDER).length !== 2) {
  throw new Error('the build id placeholder must occur exactly once in the bundle');
}
const hash = createHash('sha256').update(text).digest('hex');
const stamped = text.replace(BUILD_ID_PLACEHOLDER, hash.slice(0, BUILD_ID_PLACEHOLDER.length));
await mkdir(dirname(outfile), { recursive: true });
await writeFile(outfile, stamped, { mode: 0o755 });
await chmod(outfile, 0o755);

console.log(`built ${outfile} (${(Buffer.byteLength(stamped) / 1024).toFixed(0)} KiB)`);
