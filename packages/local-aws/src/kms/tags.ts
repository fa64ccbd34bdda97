import { KmsError, validationError } from './errors.js';
import type { KeyRecord } from './key-record.js';
import type { Body } from './validation.js';

/** Tags per KMS key (AWS quota). */
export const MAX_TAGS_PER_KEY = 50;

function tagError(message: string): KmsError {
  return new KmsError('TagException', message);
}

/** Reads a Tags member: TagKey 1..128 characters, TagValue 0..256, no reserved `aws:` prefix. */
export function readTags(body: Body, member: string, required: boolean): Map<string, string> {
  const raw = body[member];
  const tags = new Map<string, string>();
  if (raw === undefined || raw === null) {
    if (required) throw validationError('tags', 'Member must not be null');
    return tags;
  }
  if (!Array.isArray(raw))
    throw new KmsError('SerializationException', `${member} must be a list of tags.`);
  raw.forEach((entry: unknown, index) => {
    const { TagKey: key, TagValue: value } = (entry ?? {}) as Record<string, unknown>;
    const at = `tags.${index + 1}.member`;
    if (typeof key !== 'string') throw validationError(`${at}.tagKey`, 'Member must not be null');
    if (typeof value !== 'string')
      throw validationError(`${at}.tagValue`, 'Member must not be null');
    checkTagKey(key, `${at}.tagKey`);
    if (value.length > 256) {
      throw validationError(
        `${at}.tagValue`,
        'Member must have length less than or equal to 256',
        value,
      );
    }
    if (tags.has(key)) throw tagError(`Duplicate tag key ${key} in the request.`);
    tags.set(key, value);
  });
  return tags;
}

export function checkTagKey(key: string, member: string): void {
  if (key.length < 1)
    throw validationError(member, 'Member must have length greater than or equal to 1', key);
  if (key.length > 128)
    throw validationError(member, 'Member must have length less than or equal to 128', key);
  if (key.toLowerCase().startsWith('aws:')) {
    throw tagError(`Tag keys beginning with 'aws:' are reserved for AWS use: ${key}`);
  }
}

/** Adds or replaces tags on a key, refusing to go past the per-key quota. */
export function applyTags(key: KeyRecord, tags: Map<string, string>): void {
  const keys = new Set([...key.tags.keys(), ...tags.keys()]);
  if (keys.size > MAX_TAGS_PER_KEY) {
    throw new KmsError(
      'LimitExceededException',
      `A KMS key can have at most ${MAX_TAGS_PER_KEY} tags.`,
    );
  }
  for (const [tagKey, value] of tags) key.tags.set(tagKey, value);
}
