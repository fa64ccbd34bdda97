// Bundles the CLI into one executable ESM file, dist/kms-demo.js.
import { chmod, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions, outfile } from './bundle-options.mjs';

await rm(dirname(outfile), { recursive: true, force: true });
const result = await build(bundleOptions);
await chmod(outfile, 0o755);

const [output] = Object.values(result.metafile.outputs);
console.log(`built ${outfile} (${((output?.bytes ?? 0) / 1024).toFixed(0)} KiB)`);
