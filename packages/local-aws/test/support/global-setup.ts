import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalAws } from '../../src/index.js';
import type { SharedLocalAws } from './shared-server.js';

/**
 * Starts the endpoint every test file shares, once per test run, on a free port with a
 * fresh state dir (auth on, bootstrap on), and hands its coordinates to the test files.
 * Tests that need their own server (restarts, faults, auth off) use temp-server.ts.
 */
export default async function setup(project: TestProject) {
  const stateDir = await mkdtemp(join(tmpdir(), 'kms-demo-local-aws-'));
  const server = await startLocalAws({ stateDir, port: 0 });
  const shared: SharedLocalAws = {
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    keyArn: server.keyArn,
    stateDir,
  };
  project.provide('localAws', shared);
  return async () => {
    await server.close();
    await rm(stateDir, { recursive: true, force: true });
  };
}
