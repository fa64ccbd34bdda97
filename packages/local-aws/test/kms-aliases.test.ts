import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  EncryptCommand,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { newKey, uniqueAlias, utf8 } from './kms-helpers.js';
import { kmsClient } from './support/clients.js';
import { sharedLocalAws } from './support/shared-server.js';

const kms = kmsClient();

async function aliasesOf(keyId: string) {
  const { Aliases } = await kms.send(new ListAliasesCommand({ KeyId: keyId }));
  return Aliases ?? [];
}

describe('CreateAlias', () => {
  it('names a key by alias name and alias ARN; ListAliases shows the entry', async () => {
    const { keyId, arn } = await newKey(kms);
    const aliasName = uniqueAlias('create');
    const before = Date.now();
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: arn }));
    const { region } = sharedLocalAws();
    const aliasArn = `arn:aws:kms:${region}:000000000000:${aliasName}`;
    for (const reference of [aliasName, aliasArn]) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: reference }));
      expect(KeyMetadata?.KeyId).toBe(keyId);
    }
    const [entry] = await aliasesOf(keyId);
    expect(entry).toMatchObject({ AliasName: aliasName, AliasArn: aliasArn, TargetKeyId: keyId });
    expect(entry?.CreationDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(entry?.LastUpdatedDate).toEqual(entry?.CreationDate);
  });

  it('an alias name already in use is AlreadyExistsException', async () => {
    const { keyId } = await newKey(kms);
    const aliasName = uniqueAlias('taken');
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId })),
    ).rejects.toMatchObject({ name: 'AlreadyExistsException' });
  });

  it('requires the alias/ prefix and refuses the reserved alias/aws/ prefix', async () => {
    const { keyId } = await newKey(kms);
    const cases = [
      ['no-prefix', 'ValidationException'],
      ['alias/', 'ValidationException'],
      ['alias/has space', 'ValidationException'],
      ['alias/aws/mine', 'InvalidAliasNameException'],
      [`alias/${'a'.repeat(251)}`, 'ValidationException'],
    ] as const;
    for (const [aliasName, name] of cases) {
      await expect(
        kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId })),
      ).rejects.toMatchObject({ name });
    }
  });

  it('the target must be a key id or key ARN of an existing key not pending deletion', async () => {
    const { keyId } = await newKey(kms);
    await expect(
      kms.send(
        new CreateAliasCommand({ AliasName: uniqueAlias('x'), TargetKeyId: 'alias/demo-kms' }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      kms.send(
        new CreateAliasCommand({
          AliasName: uniqueAlias('x'),
          TargetKeyId: '11111111-2222-3333-4444-555555555555',
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId }));
    await expect(
      kms.send(new CreateAliasCommand({ AliasName: uniqueAlias('x'), TargetKeyId: keyId })),
    ).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
  });
});

describe('UpdateAlias and DeleteAlias', () => {
  it('UpdateAlias moves the alias: new encryptions go to the new key', async () => {
    const first = await newKey(kms);
    const second = await newKey(kms);
    const aliasName = uniqueAlias('moved');
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: first.keyId }));
    await kms.send(new UpdateAliasCommand({ AliasName: aliasName, TargetKeyId: second.arn }));
    const encrypted = await kms.send(
      new EncryptCommand({ KeyId: aliasName, Plaintext: utf8('x') }),
    );
    expect(encrypted.KeyId).toBe(second.arn);
    expect(await aliasesOf(first.keyId)).toEqual([]);
    const [entry] = await aliasesOf(second.keyId);
    expect(entry?.AliasName).toBe(aliasName);
  });

  it('UpdateAlias and DeleteAlias of an unknown alias are NotFoundException', async () => {
    const { keyId } = await newKey(kms);
    await expect(
      kms.send(new UpdateAliasCommand({ AliasName: uniqueAlias('nope'), TargetKeyId: keyId })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(
      kms.send(new DeleteAliasCommand({ AliasName: uniqueAlias('nope') })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('DeleteAlias removes the name; the key stays', async () => {
    const { keyId } = await newKey(kms);
    const aliasName = uniqueAlias('deleted');
    await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    await kms.send(new DeleteAliasCommand({ AliasName: aliasName }));
    await expect(kms.send(new DescribeKeyCommand({ KeyId: aliasName }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
    await expect(kms.send(new DescribeKeyCommand({ KeyId: keyId }))).resolves.toBeDefined();
  });
});

describe('ListAliases', () => {
  it('includes the bootstrapped alias/demo-kms', async () => {
    const { keyArn } = sharedLocalAws();
    const keyId = keyArn.split('/').pop() as string;
    expect((await aliasesOf(keyId)).map((alias) => alias.AliasName)).toContain('alias/demo-kms');
  });

  it('pages a key’s aliases with Limit and Marker', async () => {
    const { keyId } = await newKey(kms);
    const names = [uniqueAlias('p1'), uniqueAlias('p2'), uniqueAlias('p3')];
    for (const aliasName of names) {
      await kms.send(new CreateAliasCommand({ AliasName: aliasName, TargetKeyId: keyId }));
    }
    const first = await kms.send(new ListAliasesCommand({ KeyId: keyId, Limit: 2 }));
    expect(first.Aliases).toHaveLength(2);
    expect(first.Truncated).toBe(true);
    const second = await kms.send(
      new ListAliasesCommand({ KeyId: keyId, Limit: 2, Marker: first.NextMarker }),
    );
    expect(second.Truncated).toBe(false);
    expect(second.NextMarker).toBeUndefined();
    const listed = [...(first.Aliases ?? []), ...(second.Aliases ?? [])].map(
      (alias) => alias.AliasName,
    );
    expect(listed.sort()).toEqual([...names].sort());
  });

  it('an unknown KeyId is NotFoundException; Limit above 100 is ValidationException', async () => {
    await expect(
      kms.send(new ListAliasesCommand({ KeyId: '11111111-2222-3333-4444-555555555555' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
    await expect(kms.send(new ListAliasesCommand({ Limit: 101 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });
});
