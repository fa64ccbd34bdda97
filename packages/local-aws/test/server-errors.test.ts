import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../src/faults.js';
import { KmsError } from '../src/kms/errors.js';
import type { KmsService } from '../src/kms/service.js';
import { createAwsServer } from '../src/server.js';
import { createTrailRecorder } from '../src/trail/recorder.js';
import { rawRequest } from './support/raw-request.js';

/**
 * The request pipeline with a KMS engine that misbehaves on purpose: the engine is a
 * narrow interface, so a plain object stands in for it. Everything else is real.
 */
describe('server error mapping', () => {
  const internalErrors: { error: unknown; operation: string }[] = [];
  const notFound = new KmsError('NotFoundException', 'Key is not found.');
  const kms: KmsService = {
    async handle(operation) {
      if (operation === 'DescribeKey') throw notFound;
      throw new Error('bug at /home/someone/secret-path with details');
    },
    ensureKeyWithAlias: async () => '',
    keyIds: () => [],
    statePath: '/nonexistent/kms/state.json',
    keyArnOf: () => undefined,
    close: async () => {},
  };
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createAwsServer({
      kms,
      dynamo: {
        send: () => Promise.reject(new Error('store down')),
        failure: undefined,
        onFailure: () => {},
        close: async () => {},
      },
      verifier: undefined,
      faults: new FaultInjector({}),
      trail: createTrailRecorder({
        trail: undefined,
        region: 'us-east-1',
        accountId: '000000000000',
        keyArnOf: () => undefined,
      }),
      onRequestStart: () => {},
      onRequestEnd: () => {},
      onInternalError: (error, operation) => internalErrors.push({ error, operation }),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const kmsCall = (operation: string, body = '{}') =>
    rawRequest(endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `TrentService.${operation}`,
      },
      body,
    });

  it('turns a KmsError into its status and {"__type","message"} with a request id', async () => {
    const res = await kmsCall('DescribeKey');
    expect(res.status).toBe(notFound.status);
    expect(res.json).toEqual({ __type: 'NotFoundException', message: 'Key is not found.' });
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('answers any other error with a generic 500 and no stack trace or detail', async () => {
    const res = await kmsCall('Encrypt');
    expect(res.status).toBe(500);
    expect(res.json?.__type).toBe('KMSInternalException');
    expect(res.text).not.toMatch(/secret-path|bug|\bat\s/);
    expect(internalErrors).toHaveLength(1);
    expect(internalErrors[0]?.operation).toBe('TrentService.Encrypt');
    expect(String(internalErrors[0]?.error)).toContain('bug at');
  });

  it('answers a DynamoDB store failure with a generic 500', async () => {
    const res = await rawRequest(endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
      },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('store down');
    expect(internalErrors.at(-1)?.operation).toBe('DynamoDB_20120810.ListTables');
    expect(String(internalErrors.at(-1)?.error)).toContain('store down');
  });

  it('does not report a client that hangs up mid-body as an internal error', async () => {
    const before = internalErrors.length;
    const { port } = new URL(endpoint);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Encrypt\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(internalErrors.slice(before)).toEqual([]);
    // The server still answers afterwards.
    expect((await kmsCall('DescribeKey')).status).toBe(notFound.status);
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const res = await kmsCall('Encrypt', '{"KeyId":');
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('SerializationException');
  });

  it('refuses a body over 16 MiB with 413 before reading it', async () => {
    const res = await rawRequest(endpoint, {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'TrentService.Encrypt',
        'content-length': String(16 * 1024 * 1024 + 1),
      },
    });
    expect(res.status).toBe(413);
  });
});
