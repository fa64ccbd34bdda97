import { aliasArn } from '../identifiers.js';
import { epochSeconds, keyFromMember, type Operation } from '../operation.js';
import { paginate } from '../pagination.js';
import { present } from '../validation.js';

/** ListAliases: all aliases, or only those of one key (key id or key ARN). */
export const listAliases: Operation = (context, body) => {
  const { store } = context;
  const keyId = !present(body, 'KeyId')
    ? undefined
    : keyFromMember(context, body, 'KeyId', false).keyId;
  const aliases = store
    .listAliases()
    .filter((alias) => keyId === undefined || alias.targetKeyId === keyId);
  const { page, ...paging } = paginate(body, aliases, (alias) => alias.aliasName, {
    max: 100,
    default: 50,
  });
  return {
    Aliases: page.map((alias) => ({
      AliasName: alias.aliasName,
      AliasArn: aliasArn(store.scope, alias.aliasName),
      TargetKeyId: alias.targetKeyId,
      CreationDate: epochSeconds(alias.createdAt),
      LastUpdatedDate: epochSeconds(alias.updatedAt),
    })),
    ...paging,
  };
};
