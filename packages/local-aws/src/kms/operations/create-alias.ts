import { KmsError } from '../errors.js';
import { aliasArn, checkAliasName } from '../identifiers.js';
import { keyFromMember, type Operation, requireNotPendingDeletion } from '../operation.js';
import { requiredString } from '../validation.js';

/** CreateAlias: a new alias for a customer managed key (key id or key ARN). */
export const createAlias: Operation = (context, body) => {
  const aliasName = requiredString(body, 'AliasName', { min: 1, max: 256 });
  checkAliasName(aliasName, true);
  const key = keyFromMember(context, body, 'TargetKeyId', false);
  if (context.store.findAlias(aliasName)) {
    throw new KmsError(
      'AlreadyExistsException',
      `An alias with the name ${aliasArn(context.store.scope, aliasName)} already exists`,
    );
  }
  requireNotPendingDeletion(context, key);
  context.store.putAlias({
    aliasName,
    targetKeyId: key.keyId,
    createdAt: context.now,
    updatedAt: context.now,
  });
  return {};
};
