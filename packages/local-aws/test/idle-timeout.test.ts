import { GenerateRandomCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { startLocalAws } from '../src/index.js';
import { kmsClient } from './support/clients.js';
import { rawRequest } from './support/raw-request.js';
import { startTempServer } from './support/temp-server.js';

describe('idleTimeoutMs', () => {
  it('keeps serving while requests keep coming, then closes by itself', async () => {
    // An idle period ten times the pause between requests: a loaded machine (CI runs every
    // package's tests at once) can stretch a 100 ms pause a good deal, not tenfold.
    const server = await startTempServer({ idleTimeoutMs: 1000, bootstrap: false });
    let closed = false;
    void server.closed.then(() => {
      closed = true;
    });
    try {
      const kms = kmsClient(server);
      // Requests every 100 ms for 3 s: three idle periods long, yet never idle.
      for (let i = 0; i < 30; i++) {
        await kms.send(new GenerateRandomCommand({ NumberOfBytes: 4 }));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(closed).toBe(false);
      await server.closed;
      expect(closed).toBe(true);
      await expect(kms.send(new GenerateRandomCommand({ NumberOfBytes: 4 }))).rejects.toThrow();
      // Closed for real: the state dir is free for the next server.
      const next = await startLocalAws({ stateDir: server.stateDir, bootstrap: false });
      await next.close();
    } finally {
      await server.dispose();
    }
  });

  it('is not kept alive by liveness probes (status polling), only by AWS requests', async () => {
    const server = await startTempServer({ idleTimeoutMs: 500, bootstrap: false });
    let closed = false;
    void server.closed.then(() => {
      closed = true;
    });
    try {
      // Probes every 100 ms for up to 3 s, six idle periods: they must not hold it open.
      let answered = 0;
      for (let i = 0; i < 30 && !closed; i++) {
        const res = await rawRequest(server.endpoint, { method: 'GET' }).catch(() => undefined);
        if (res?.status === 200) answered += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(answered).toBeGreaterThan(0);
      expect(closed).toBe(true);
    } finally {
      await server.dispose();
    }
  });
});
