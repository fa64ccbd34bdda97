// Sums the vitest JSON reports of every run into the one line CI reads:
// "N passed, N failed, N skipped". The first argument is the exit status of the workspace's
// test command (every package's report, on the machine's Node); each further argument,
// `node<line>=<status>`, is one run of the CLI's end-to-end suite on another Node line
// (apps/cli/.reports/e2e-node<line>.json). Exits non-zero when a test failed or when a
// command failed outside the tests (build, lint, typecheck errors or a Node that could
// not be installed count as one failure, so the line never reads "0 failed" on a failed run).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [commandArg, ...extraRuns] = process.argv.slice(2);
const commandStatus = Number(commandArg ?? 0);
const packages = ['apps/cli', 'packages/spec', 'packages/core', 'packages/local-aws', 'infra'];

const total = { passed: 0, failed: 0, skipped: 0 };
let exitFailed = false;

function readReport(path) {
  if (!existsSync(path)) return undefined;
  const r = JSON.parse(readFileSync(path, 'utf8'));
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests,
    skipped: r.numPendingTests + r.numTodoTests,
  };
}

function add(counts) {
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}

// Worded unlike the closing line, so that line is the only one CI can read as a total.
const line = (label, c) =>
  `summary: ${label}: passed=${c.passed} failed=${c.failed} skipped=${c.skipped}`;

const main = { passed: 0, failed: 0, skipped: 0 };
for (const dir of packages) {
  const counts = readReport(join(root, dir, '.reports', 'vitest.json'));
  if (!counts) {
    console.log(`summary: ${dir} wrote no test report`);
    continue;
  }
  console.log(line(dir, counts));
  for (const k of Object.keys(main)) main[k] += counts[k];
}
if (commandStatus !== 0 && main.failed === 0) {
  console.log('summary: the test command failed outside the tests (build, lint or typecheck)');
  main.failed += 1;
}
console.log(line(`whole suite on Node ${process.version}`, main));
add(main);
exitFailed ||= commandStatus !== 0;

for (const run of extraRuns) {
  const [name, status] = run.split('=');
  const report = readReport(join(root, 'apps/cli', '.reports', `e2e-${name}.json`));
  const counts = report ?? { passed: 0, failed: 0, skipped: 0 };
  const label = `CLI end-to-end suite on ${name.replace(/^node/, 'Node ')}`;
  if (!report && status === '0') {
    console.log(`summary: ${label}: wrote no test report`);
    counts.failed += 1;
  } else if (status !== '0' && counts.failed === 0) {
    console.log(
      status === 'install-failed'
        ? `summary: ${label}: Node could not be installed`
        : `summary: ${label}: the run failed outside the tests (exit ${status})`,
    );
    counts.failed += 1;
  }
  console.log(line(label, counts));
  add(counts);
  exitFailed ||= status !== '0';
}

console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || exitFailed ? 1 : 0);
