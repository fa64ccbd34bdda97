import { DescribeKeyCommand, EncryptCommand, DecryptCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { kmsClient } from './support/clients.js';

it('smoke', async () => {
  const kms = kmsClient();
  const d = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/demo-kms' }));
  console.log(JSON.stringify(d.KeyMetadata));
  const e = await kms.send(new EncryptCommand({ KeyId: 'alias/demo-kms', Plaintext: Buffer.from('hi') }));
  const p = await kms.send(new DecryptCommand({ CiphertextBlob: e.CiphertextBlob }));
  expect(Buffer.from(p.Plaintext!).toString()).toBe('hi');
  await expect(kms.send(new DescribeKeyCommand({ KeyId: 'alias/nope' }))).rejects.toMatchObject({ name: 'NotFoundException' });
});
