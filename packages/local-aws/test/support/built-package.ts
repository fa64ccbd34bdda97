import { execFileSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Tests that spawn a separate Node process run the built `dist/`. Turbo builds before
 * testing; when the tests run on their own and dist is missing or older than src, build.
 */
export async function ensureBuilt(): Promise<void> {
  const built = await mtime(join(packageDir, 'dist', 'index.js'));
  if (built !== undefined && built >= (await newestSource(join(packageDir, 'src')))) return;
  execFileSync(process.execPath, [tscPath(), '-p', 'tsconfig.build.json'], {
    cwd: packageDir,
    stdio: 'ignore',
  });
}

function tscPath(): string {
  return join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
}

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, (await mtime(join(entry.parentPath, entry.name))) ?? 0);
    }
  }
  return newest;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
