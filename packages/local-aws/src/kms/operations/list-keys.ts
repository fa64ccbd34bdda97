import type { Operation } from '../operation.js';
import { paginate } from '../pagination.js';

/** ListKeys: every key in the account and Region, including keys pending deletion. */
export const listKeys: Operation = (context, body) => {
  const { page, ...paging } = paginate(body, context.store.listKeys(), (key) => key.keyId, {
    max: 1000,
    default: 100,
  });
  return {
    Keys: page.map((key) => ({ KeyId: key.keyId, KeyArn: context.store.arn(key) })),
    ...paging,
  };
};
