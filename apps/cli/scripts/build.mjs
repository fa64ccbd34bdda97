// Bundles the CLI into dist/: the executable dist/kms-demo.js and the chunks it imports
// on demand (dist/chunks/), and stamps it with a build id: a hash of every output file,
// recorded by the background server it starts so that a later build can tell that server
// runs other code.
import { createHash } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { build } from 'esbuild';
import { BUILD_ID_PLACEHOLDER, bundleOptions, outdir, outfile } from './bundle-options.mjs';

await rm(outdir, { recursive: true, force: true });
const result = await build({ ...bundleOptions, write: false });
const files = [...result.outputFiles].sort((a, b) => a.path.localeCompare(b.path));
if (!files.some((f) => f.path === outfile)) throw new Error(`esbuild produced no ${outfile}`);

const holders = files.filter((f) => f.text.includes(BUILD_ID_PLACEHOLDER));
if (holders.length !== 1 || holders[0].text.split(BUILD_ID_PLACEHOLDER).length !== 2) {
  throw new Error('the build id placeholder must occur exactly once in the bundle');
}
const hash = createHash('sha256');
for (const f of files) hash.update(`${relative(outdir, f.path)}\0${f.text}\0`);
const buildId = hash.digest('hex').slice(0, BUILD_ID_PLACEHOLDER.length);

let bytes = 0;
for (const f of files) {
  const text = f === holders[0] ? f.text.replace(BUILD_ID_PLACEHOLDER, buildId) : f.text;
  await mkdir(dirname(f.path), { recursive: true });
  await writeFile(f.path, text, { mode: f.path === outfile ? 0o755 : 0o644 });
  bytes += Buffer.byteLength(text);
}
await chmod(outfile, 0o755);

const entry = Buffer.byteLength(files.find((f) => f.path === outfile).text);
console.log(
  `built ${outfile} (${(entry / 1024).toFixed(0)} KiB) and ${files.length - 1} chunks (${(bytes / 1024).toFixed(0)} KiB in all)`,
);
