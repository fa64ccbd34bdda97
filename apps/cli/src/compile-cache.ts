import { mkdirSync } from 'node:fs';
import module from 'node:module';
import { isAbsolute, join } from 'node:path';

type EnableCompileCache = (directory?: string) => unknown;

/**
 * Turns on Node's on-disk compile cache (Node >= 22.1) for the modules loaded after this
 * call: a run then loads V8's compiled code instead of compiling the CLI's chunks again.
 * The cache lives in the user's own cache directory, never in the shared tmpdir Node
 * would pick by default. Without a home or on older Node, the CLI just compiles as before;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switch).
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  const directory = compileCacheDir(env);
  if (!enable || !directory) return undefined;
  try {
    // Owner-only, like the state dir; Node would create it with the umask's mode.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    enable(directory);
    return directory;
  } catch {
    return undefined;
  }
}

/** $XDG_CACHE_HOME/kms-demo/compile-cache, else ~/.cache/kms-demo/compile-cache. */
export function compileCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'kms-demo', 'compile-cache');
  const home = env.HOME;
  if (home && isAbsolute(home)) return join(home, '.cache', 'kms-demo', 'compile-cache');
  return undefined;
}
