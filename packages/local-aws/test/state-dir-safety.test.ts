import { spawnSync } from 'node:child_process';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkStateDirSafety } from '../src/state/safety.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

// checkStateDirSafety entry by entry: every private subdir and every secret file, not only
// the state dir itself, must be a real one of the current user's, closed to others.
const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn("Skipping the foreign-owner safety tests: only root can chown a file to 'nobody'.");
}

let stateDir: string;
beforeEach(async () => {
  stateDir = await makeStateDir();
  for (const sub of ['kms', 'dynamodb', 'credentials']) {
    await mkdir(join(stateDir, sub), { mode: 0o700 });
  }
  await writeFile(join(stateDir, 'server.json'), '{}', { mode: 0o600 });
  await writeFile(join(stateDir, 'kms', 'state.json'), '{}', { mode: 0o600 });
  await writeFile(join(stateDir, 'credentials', 'app.json'), '{}', { mode: 0o600 });
});
afterEach(async () => {
  spawnSync('chown', ['-R', String(process.getuid?.()), stateDir]);
  await removeStateDir(stateDir);
});

const refusal = () =>
  checkStateDirSafety(stateDir).then(
    () => undefined,
    (error) => error,
  );

describe("the state dir's safety check", () => {
  it('accepts a state dir of owner-only dirs and 0600 files', async () => {
    await expect(checkStateDirSafety(stateDir)).resolves.toBeUndefined();
  });

  it.each(['kms', 'dynamodb', 'credentials'])('refuses a %s dir open to others', async (sub) => {
    await chmod(join(stateDir, sub), 0o755);
    expect(await refusal()).toMatchObject({
      code: 'STATE_DIR_UNSAFE',
      message: expect.stringContaining(`chmod 700 '${join(stateDir, sub)}'`),
    });
  });

  it('refuses a subdir that is a symbolic link', async () => {
    await rm(join(stateDir, 'kms'), { recursive: true });
    await symlink(join(stateDir, 'dynamodb'), join(stateDir, 'kms'));
    expect(await refusal()).toMatchObject({
      code: 'STATE_DIR_UNSAFE',
      message: expect.stringContaining('is not a plain directory'),
    });
  });

  it.each(['server.json', 'kms/state.json', 'credentials/app.json'])(
    'refuses %s readable by others',
    async (file) => {
      await chmod(join(stateDir, file), 0o644);
      expect(await refusal()).toMatchObject({
        code: 'STATE_DIR_UNSAFE',
        message: expect.stringContaining(`chmod 600 '${join(stateDir, file)}'`),
      });
    },
  );

  it.skipIf(!isRoot).each(['server.json', 'credentials/app.json'])(
    'refuses %s owned by another user',
    async (file) => {
      spawnSync('chown', ['nobody', join(stateDir, file)]);
      expect(await refusal()).toMatchObject({
        code: 'STATE_DIR_UNSAFE',
        message: expect.stringContaining(`${join(stateDir, file)} is owned by uid`),
      });
    },
  );

  it.skipIf(!isRoot)('refuses a subdir owned by another user', async () => {
    spawnSync('chown', ['nobody', join(stateDir, 'credentials')]);
    expect(await refusal()).toMatchObject({
      code: 'STATE_DIR_UNSAFE',
      message: expect.stringContaining(`${join(stateDir, 'credentials')} is owned by uid`),
    });
  });
});
