import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, Sandbox } from './cli.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await Sandbox.create();
});
afterAll(async () => {
  await sandbox?.dispose();
});

describe('`kms-demo local start &` then at once `eval "$(kms-demo local env)"`', () => {
  // The README's recipe: env runs while the server is still starting. Deciding that none
  // runs would export nothing and leave the shell talking to real AWS. Several rounds,
  // since a slow env could win the race once by luck.
  it('env waits for the starting server and prints its exports', async () => {
    for (let round = 0; round < 3; round++) {
      const server = spawn(process.execPath, [bundle, 'local', 'start', '--port', '0'], {
        env: sandbox.env(),
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const exited = new Promise((resolve) => server.once('exit', resolve));
      try {
        const env = await sandbox.run(['local', 'env']);
        expect(env.code, `round ${round}: ${env.stderr}`).toBe(0);
        expect(env.stdout).toMatch(/^export AWS_ENDPOINT_URL='http:\/\/127\.0\.0\.1:\d+'$/m);
        expect(env.stdout).toMatch(/^export AWS_SECRET_ACCESS_KEY='.+'$/m);
      } finally {
        server.kill('SIGTERM');
        await exited;
      }
    }
  });
});
