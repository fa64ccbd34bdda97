import { describe, expect, it } from 'vitest';
import { createAwsClients, createSecretStore } from '../../src/index.js';
import { isLoopbackAddress, isRefusedByLoopback } from '../../src/retry-strategy.js';
import { closedLoopbackPort } from '../support/ports.js';

const refused = (address: string) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}:1`), { code: 'ECONNREFUSED', address });

describe('isRefusedByLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('%s is loopback', (a) => {
    expect(isLoopbackAddress(a)).toBe(true);
    expect(isRefusedByLoopback(refused(a))).toBe(true);
  });

  it.each(['10.0.0.1', '::', '0.0.0.0', '128.0.0.1', '::ffff:10.0.0.1', '127.0.0.1.example'])(
    '%s is not loopback: its refusals are retried',
    (a) => {
      expect(isRefusedByLoopback(refused(a))).toBe(false);
    },
  );

  it('other errors from loopback are retried as usual', () => {
    const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET', address: '127.0.0.1' });
    expect(isRefusedByLoopback(reset)).toBe(false);
    expect(isRefusedByLoopback(undefined)).toBe(false);
  });

  it('a multi-address attempt counts only when every address refused on loopback', () => {
    const all = Object.assign(new AggregateError([refused('::1'), refused('127.0.0.1')]), {
      code: 'ECONNREFUSED',
    });
    expect(isRefusedByLoopback(all)).toBe(true);
    const mixed = Object.assign(new AggregateError([refused('::1'), refused('10.0.0.1')]), {
      code: 'ECONNREFUSED',
    });
    expect(isRefusedByLoopback(mixed)).toBe(false);
  });
});

describe('a local endpoint that nothing listens on', () => {
  it('fails after one attempt instead of ten, as AWS_ERROR naming ECONNREFUSED', async () => {
    const endpoint = `http://127.0.0.1:${await closedLoopbackPort()}`;
    const { kms, dynamodb } = createAwsClients({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const store = createSecretStore({ kms, dynamodb, keyId: 'alias/demo-kms', tableName: 't1' });
      for (const attempt of [() => store.get('alice'), () => store.put(Uint8Array.of(1))]) {
        const error = await attempt().catch((e) => e);
        expect(error).toMatchObject({ code: 'AWS_ERROR', message: /ECONNREFUSED/ });
        expect(error.cause).toMatchObject({ code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
      }
    } finally {
      kms.destroy();
      dynamodb.destroy();
    }
  });
});
