import { createHash, createHmac } from 'node:crypto';
import { GenerateRandomCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { NodeSha256 } from '../src/auth/node-sha256.js';
import { kmsClient } from './support/clients.js';
import { rawRequest, signedHeaders } from './support/raw-request.js';
import { sharedLocalAws } from './support/shared-server.js';

const shared = sharedLocalAws();
const body = JSON.stringify({ NumberOfBytes: 16 });
const kmsSigning = {
  endpoint: shared.endpoint,
  credentials: shared.credentials,
  region: shared.region,
  service: 'kms',
  target: 'TrentService.GenerateRandom',
  body,
};

describe('SigV4 credential scope and what the signature must cover', () => {
  it('rejects a request signed for another region, as AWS does', async () => {
    const other = shared.region === 'eu-west-1' ? 'us-east-1' : 'eu-west-1';
    const client = kmsClient(shared, { region: other });
    await expect(
      client.send(new GenerateRandomCommand({ NumberOfBytes: 8 })),
    ).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      message: `Credential should be scoped to a valid region, not '${other}'.`,
      $metadata: { httpStatusCode: 400 },
    });
    const ok = await kmsClient(shared).send(new GenerateRandomCommand({ NumberOfBytes: 8 }));
    expect(ok.Plaintext).toHaveLength(8);
  });

  it('rejects a request that leaves X-Amz-Target out of SignedHeaders', async () => {
    const headers = await signedHeaders({ ...kmsSigning, unsigned: ['x-amz-target'] });
    expect(headers.authorization).not.toContain('x-amz-target');
    const res = await rawRequest(shared.endpoint, { headers, body });
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('InvalidSignatureException');
    expect(res.json?.message).toContain("'X-Amz-Target' must be a 'SignedHeader'");
  });

  it('accepts an unsigned header that does not steer the request (content type)', async () => {
    const headers = await signedHeaders({ ...kmsSigning, unsigned: ['content-type'] });
    expect(headers.authorization).not.toContain('content-type');
    const res = await rawRequest(shared.endpoint, { headers, body });
    expect(res.status).toBe(200);
  });

  it('rejects a request sent to another path or query than it was signed for', async () => {
    const headers = await signedHeaders({ ...kmsSigning, path: '/?a=1' });
    const ok = await rawRequest(shared.endpoint, { headers, body, path: '/?a=1' });
    expect(ok.status).toBe(200);
    for (const path of ['/', '/?a=2', '/x?a=1']) {
      const res = await rawRequest(shared.endpoint, { headers, body, path });
      expect(res.json?.__type, path).toBe('InvalidSignatureException');
    }
  });
});

describe('NodeSha256, the verifier hash', () => {
  const digest = async (data: string | Uint8Array, secret?: string | Uint8Array) => {
    const hash = new NodeSha256(secret);
    hash.update(data);
    return Buffer.from(await hash.digest()).toString('hex');
  };

  it('computes SHA-256 and HMAC-SHA256 of text and bytes like node:crypto', async () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(await digest('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(await digest(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await digest('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    expect(await digest('msg', bytes)).toBe(
      createHmac('sha256', bytes).update('msg').digest('hex'),
    );
  });

  it('hashes only the viewed part of a typed array, and starts over after reset', async () => {
    const backing = new Uint8Array([9, 9, 97, 98, 99, 9]);
    expect(await digest(backing.subarray(2, 5))).toBe(await digest('abc'));
    const hash = new NodeSha256();
    hash.update('discarded');
    hash.reset();
    hash.update('abc');
    expect(Buffer.from(await hash.digest()).toString('hex')).toBe(await digest('abc'));
  });
});
