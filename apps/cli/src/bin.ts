import { enableCompileCache } from './compile-cache.js';
import { nodeNotice } from './node-support.js';
import { VERSION } from './version.js';

// The executable's entry, kept to what every run needs: `--version` answers from here,
// and everything else (yargs, the commands) is imported after the compile cache is on,
// so that Node reuses its compiled code from the previous run instead of compiling again.
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else {
  enableCompileCache();
  const notice = nodeNotice(process.versions.node);
  // For a person at a terminal; scripts and logs are not told on every run.
  if (notice && process.stderr.isTTY && !args.some((a) => a === '--help' || a === '-h')) {
    process.stderr.write(`${notice}\n`);
  }
  await import('./main.js');
}
