// Sums the vitest JSON reports of every package into the one line CI reads:
// "N passed, N failed, N skipped". Exits non-zero when a test failed or when the
// workspace's test command itself failed (build, lint or typecheck errors count as one
// failure, so the line never reads "0 failed" on a failed run).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const commandStatus = Number(process.argv[2] ?? 0);
const packages = ['apps/cli', 'packages/spec', 'packages/core', 'packages/local-aws', 'infra'];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of packages) {
  const report = join(root, dir, '.reports', 'vitest.json');
  if (!existsSync(report)) {
    console.log(`summary: ${dir} wrote no test report`);
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  // Worded unlike the closing line, so that line is the only one CI can read as a total.
  console.log(`summary: ${dir}: passed=${r.numPassedTests} failed=${r.numFailedTests}`);
}
if (commandStatus !== 0 && failed === 0) {
  console.log('summary: the test command failed outside the tests (build, lint or typecheck)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || commandStatus !== 0 ? 1 : 0);
