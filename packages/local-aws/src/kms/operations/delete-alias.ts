import { notFound } from '../errors.js';
import { aliasArn, checkAliasName } from '../identifiers.js';
import type { Operation } from '../operation.js';
import { requiredString } from '../validation.js';

/** DeleteAlias: removes an alias; the key it pointed at is unaffected. */
export const deleteAlias: Operation = (context, body) => {
  const aliasName = requiredString(body, 'AliasName', { min: 1, max: 256 });
  checkAliasName(aliasName, false);
  if (!context.store.findAlias(aliasName)) {
    throw notFound(`Alias ${aliasArn(context.store.scope, aliasName)} is not found.`);
  }
  context.store.deleteAlias(aliasName);
  return {};
};
