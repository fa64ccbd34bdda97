import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callerForAccessKey } from '../src/trail/caller.js';
import { kmsRecord } from '../src/trail/kms-record.js';
import { Trail } from '../src/trail/trail.js';
import { TRAIL_DIR, trailFilePath } from '../src/trail/trail-files.js';
import { makeStateDir, removeStateDir } from './support/temp-server.js';

const ACCOUNT = '000000000000';

function record(n: number, input: unknown = { KeyId: 'alias/demo-kms' }) {
  return kmsRecord(
    {
      caller: callerForAccessKey('AKIAAAAAAAAAAAAAAAAA', ACCOUNT),
      operation: 'Encrypt',
      input,
      requestId: `request-${n}`,
      eventId: `event-${n}`,
      time: new Date(1_700_000_000_000 + n * 1000),
      region: 'us-east-1',
      sourceIp: '127.0.0.1',
      userAgent: 'test',
    },
    ACCOUNT,
  );
}

describe('the trail store', () => {
  it('keeps its files owner-only and counts damaged lines instead of failing', async () => {
    const stateDir = await makeStateDir();
    try {
      const trail = await Trail.open(stateDir);
      trail.append(record(1));
      trail.append(record(2));
      await trail.close();
      const file = trailFilePath(join(stateDir, TRAIL_DIR), 1);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(join(stateDir, TRAIL_DIR))).mode & 0o777).toBe(0o700);
      const text = await readFile(file, 'utf8');
      await writeFile(file, `${text}{"broken\n\n[1,2]\n{"eventName":"Encrypt"}\n{"cut`);
      const reopened = await Trail.open(stateDir);
      reopened.append(record(3));
      const page = await reopened.query({ limit: 50 });
      expect(page.events.map((e) => e.entry.eventId)).toEqual(['event-3', 'event-2', 'event-1']);
      expect(reopened.damagedLines).toBe(4);
      await reopened.close();
    } finally {
      await removeStateDir(stateDir);
    }
  });

  it('filters by time range and pages from a position', async () => {
    const stateDir = await makeStateDir();
    try {
      const trail = await Trail.open(stateDir);
      for (let n = 0; n < 10; n++) trail.append(record(n));
      const first = await trail.query({ limit: 4, startTime: 1_700_000_002_000 });
      expect(first.events.map((e) => e.entry.eventId)).toEqual([
        'event-9',
        'event-8',
        'event-7',
        'event-6',
      ]);
      const second = await trail.query({
        limit: 4,
        startTime: 1_700_000_002_000,
        before: first.next as number,
      });
      expect(second.events.map((e) => e.entry.eventId)).toEqual([
        'event-5',
        'event-4',
        'event-3',
        'event-2',
      ]);
      await trail.close();
    } finally {
      await removeStateDir(stateDir);
    }
  });
});

describe('what a record holds', () => {
  it('logs only the allow-listed request members, never a plaintext or a ciphertext', () => {
    const logged = record(1, {
      KeyId: 'alias/demo-kms',
      Plaintext: 'c2VjcmV0',
      CiphertextBlob: 'AQICAHg=',
      EncryptionContext: { appuser: 'alice' },
      SomeFutureMember: 'x',
    });
    expect(logged.requestParameters).toEqual({
      keyId: 'alias/demo-kms',
      encryptionContext: { appuser: 'alice' },
      encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(JSON.stringify(logged)).not.toMatch(/c2VjcmV0|AQICAHg=|SomeFutureMember/);
  });

  it('names an authorization failure AccessDenied, as CloudTrail does for KMS', () => {
    const denied = kmsRecord(
      {
        ...{
          caller: callerForAccessKey('AKIAAAAAAAAAAAAAAAAA', ACCOUNT),
          operation: 'Decrypt',
          input: {},
          requestId: 'r',
          eventId: 'e',
          time: new Date(),
          region: 'us-east-1',
          sourceIp: '127.0.0.1',
          userAgent: 'test',
        },
        error: { type: 'AccessDeniedException', message: 'not authorized' },
      },
      ACCOUNT,
    );
    expect(denied).toMatchObject({ errorCode: 'AccessDenied', errorMessage: 'not authorized' });
  });
});
