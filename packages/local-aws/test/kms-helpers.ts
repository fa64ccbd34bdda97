import { randomUUID } from 'node:crypto';
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/** A new key of the test's own on the shared endpoint (tests share it, so never reuse keys). */
export async function newKey(kms: KMSClient, description = 'kms-demo test key') {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: description }));
  if (!KeyMetadata?.KeyId || !KeyMetadata.Arn) throw new Error('CreateKey returned no KeyMetadata');
  return { keyId: KeyMetadata.KeyId, arn: KeyMetadata.Arn, metadata: KeyMetadata };
}

/** An alias name no other test uses. */
export function uniqueAlias(label: string): string {
  return `alias/test-${label}-${randomUUID().slice(0, 8)}`;
}

export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

export function text(bytes: Uint8Array | undefined): string {
  if (!bytes) throw new Error('expected bytes');
  return Buffer.from(bytes).toString('utf8');
}
