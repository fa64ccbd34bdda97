import { notFound } from '../errors.js';
import { aliasArn, checkAliasName } from '../identifiers.js';
import { keyFromMember, type Operation, requireNotPendingDeletion } from '../operation.js';
import { requiredString } from '../validation.js';

/** UpdateAlias: points an existing alias at another key. */
export const updateAlias: Operation = (context, body) => {
  const aliasName = requiredString(body, 'AliasName', { min: 1, max: 256 });
  checkAliasName(aliasName, false);
  const key = keyFromMember(context, body, 'TargetKeyId', false);
  const alias = context.store.findAlias(aliasName);
  if (!alias) throw notFound(`Alias ${aliasArn(context.store.scope, aliasName)} is not found.`);
  requireNotPendingDeletion(context, key);
  context.store.putAlias({ ...alias, targetKeyId: key.keyId, updatedAt: context.now });
  return {};
};
