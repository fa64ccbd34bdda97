import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const compiled = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/load-compiled-program.mjs', import.meta.url));
const built = existsSync(compiled);
if (!built) {
  console.warn(`skipping the compiled program test: ${compiled} is missing; run the build first`);
}

it.skipIf(!built)('dist/index.js runs under plain Node as Pulumi loads it', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [fixture], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  expect(JSON.parse(stdout)).toEqual([
    'aliasName',
    'appPolicyArn',
    'auditPolicyArn',
    'keyArn',
    'keyId',
    'region',
    'tableArn',
    'tableName',
  ]);
});
