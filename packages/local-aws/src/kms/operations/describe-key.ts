import { keyMetadata } from '../key-metadata.js';
import { keyFromMember, type Operation } from '../operation.js';
import { optionalStringList } from '../validation.js';

/** DescribeKey: accepts key id, key ARN, alias name or alias ARN; works in every key state. */
export const describeKey: Operation = (context, body) => {
  optionalStringList(body, 'GrantTokens');
  const key = keyFromMember(context, body, 'KeyId', true);
  return { KeyMetadata: keyMetadata(context.store, key) };
};
