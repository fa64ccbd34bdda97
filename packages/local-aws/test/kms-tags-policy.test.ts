import {
  CreateKeyCommand,
  GetKeyPolicyCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { newKey } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';

const kms = kmsClient();

async function tagsOf(keyId: string) {
  const { Tags } = await kms.send(new ListResourceTagsCommand({ KeyId: keyId }));
  return Object.fromEntries((Tags ?? []).map((tag) => [tag.TagKey, tag.TagValue]));
}

describe('TagResource, UntagResource and ListResourceTags', () => {
  it('adds, replaces and removes tags; an empty value is allowed', async () => {
    const { keyId, arn } = await newKey(kms);
    await kms.send(
      new TagResourceCommand({
        KeyId: keyId,
        Tags: [
          { TagKey: 'project', TagValue: 'kms-demo' },
          { TagKey: 'empty', TagValue: '' },
        ],
      }),
    );
    await kms.send(
      new TagResourceCommand({ KeyId: arn, Tags: [{ TagKey: 'project', TagValue: 'renamed' }] }),
    );
    expect(await tagsOf(keyId)).toEqual({ project: 'renamed', empty: '' });
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['empty', 'never-set'] }));
    expect(await tagsOf(keyId)).toEqual({ project: 'renamed' });
  });

  it('CreateKey takes tags too', async () => {
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ Tags: [{ TagKey: 'project', TagValue: 'kms-demo' }] }),
    );
    expect(await tagsOf(KeyMetadata?.KeyId as string)).toEqual({ project: 'kms-demo' });
  });

  it('refuses reserved aws: keys with TagException and over-long keys or values with ValidationException', async () => {
    const { keyId } = await newKey(kms);
    await expect(
      kms.send(
        new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] }),
      ),
    ).rejects.toMatchObject({ name: 'TagException' });
    for (const tag of [
      { TagKey: 'k'.repeat(129), TagValue: 'x' },
      { TagKey: '', TagValue: 'x' },
      { TagKey: 'k', TagValue: 'v'.repeat(257) },
    ]) {
      await expect(
        kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag] })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
      });
    }
    expect(await tagsOf(keyId)).toEqual({});
  });

  it('allows 50 tags per key, then LimitExceededException', async () => {
    const { keyId } = await newKey(kms);
    const tags = Array.from({ length: 50 }, (_, index) => ({
      TagKey: `t${index}`,
      TagValue: `${index}`,
    }));
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: tags }));
    await expect(
      kms.send(
        new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'one-more', TagValue: 'x' }] }),
      ),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: keyId, Limit: 30 }));
    expect(first).toMatchObject({ Truncated: true });
    expect(first.Tags).toHaveLength(30);
    const rest = await kms.send(
      new ListResourceTagsCommand({ KeyId: keyId, Limit: 30, Marker: first.NextMarker }),
    );
    expect(rest.Truncated).toBe(false);
    expect(
      new Set([...(first.Tags ?? []), ...(rest.Tags ?? [])].map((tag) => tag.TagKey)).size,
    ).toBe(50);
  });

  it('tags of a key pending deletion cannot change (KMSInvalidStateException) but can be listed', async () => {
    const { keyId } = await newKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    await expect(
      kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] })),
    ).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
    await expect(
      kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['a'] })),
    ).rejects.toMatchObject({
      name: 'KMSInvalidStateException',
    });
    expect(await tagsOf(keyId)).toEqual({});
  });
});

describe('GetKeyPolicy and PutKeyPolicy', () => {
  it('a new key has the default policy granting the account root kms:*', async () => {
    const { keyId } = await newKey(kms);
    const { Policy, PolicyName } = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId }));
    expect(PolicyName).toBe('default');
    expect(JSON.parse(Policy as string)).toEqual({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:root' },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
  });

  it('stores a policy put on the key and returns it unchanged', async () => {
    const { keyId } = await newKey(kms);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    });
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: policy }));
    const { Policy } = await kms.send(
      new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }),
    );
    expect(Policy).toBe(policy);
  });

  it('refuses a malformed or oversized policy and any policy name but default', async () => {
    const { keyId } = await newKey(kms);
    await expect(
      kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: '{not json' })),
    ).rejects.toMatchObject({
      name: 'MalformedPolicyDocumentException',
    });
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: [], Pad: 'x'.repeat(33_000) });
    await expect(
      kms.send(new PutKeyPolicyCommand({ KeyId: keyId, Policy: huge })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    await expect(
      kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'other' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});
