import { validationError } from '../errors.js';
import { keyFromMember, type Operation, requireNotPendingDeletion } from '../operation.js';
import { paginate } from '../pagination.js';
import { applyTags, checkTagKey, readTags } from '../tags.js';
import { optionalStringList } from '../validation.js';

/** TagResource: adds tags or replaces the values of existing tag keys. */
export const tagResource: Operation = (context, body) => {
  const tags = readTags(body, 'Tags', true);
  const key = keyFromMember(context, body, 'KeyId', false);
  requireNotPendingDeletion(context, key);
  applyTags(key, tags);
  context.store.changed();
  return {};
};

/** UntagResource: removes tag keys; keys the key does not have are ignored. */
export const untagResource: Operation = (context, body) => {
  const tagKeys = optionalStringList(body, 'TagKeys');
  if (tagKeys === undefined) throw validationError('tagKeys', 'Member must not be null');
  tagKeys.forEach((tagKey, index) => {
    checkTagKey(tagKey, `tagKeys.${index + 1}.member`);
  });
  const key = keyFromMember(context, body, 'KeyId', false);
  requireNotPendingDeletion(context, key);
  for (const tagKey of tagKeys) key.tags.delete(tagKey);
  context.store.changed();
  return {};
};

/** ListResourceTags: the key's tags, in pages of up to 50. */
export const listResourceTags: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  const entries = [...key.tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
  const { page, ...paging } = paginate(body, entries, (tag) => tag.TagKey, {
    max: 50,
    default: 50,
  });
  return { Tags: page, ...paging };
};
