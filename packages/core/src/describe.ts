import { itemContext, sameContext } from './crypto/context.js';
import type { EncryptionContext } from './crypto/kms-api.js';
import { type AlgorithmInfo, readEnvelopeHeader } from './crypto/message-header.js';
import { integrityError } from './errors.js';
import { infoOf, type StoredItem, type StoredItemInfo } from './storage/item.js';

/** What `describe` shows: everything knowable from the stored bytes, without KMS. */
export interface ItemDescription extends StoredItemInfo {
  formatVersion?: number;
  revision?: number;
  ciphertextBytes: number;
  /** Hex of the first bytes, enough to tell formats apart. */
  ciphertextPrefix: string;
  /** Envelope only: parsed from the message header (unauthenticated until decrypted). */
  encryptionContext?: EncryptionContext;
  algorithm?: AlgorithmInfo;
  /** Envelope only: the KMS keys that wrap the data key, from the header. */
  wrappingKeyArns?: string[];
  /** Envelope only: whether the header's context names exactly this item and table. */
  contextMatchesItem?: boolean;
}

export const CIPHERTEXT_PREFIX_BYTES = 16;

export function describeItem(item: StoredItem, tableName: string): ItemDescription {
  const description: ItemDescription = {
    ...infoOf(item),
    ...(item.formatVersion !== undefined ? { formatVersion: item.formatVersion } : {}),
    ...(item.revision !== undefined ? { revision: item.revision } : {}),
    ciphertextBytes: item.ciphertext.byteLength,
    ciphertextPrefix: Buffer.from(item.ciphertext.subarray(0, CIPHERTEXT_PREFIX_BYTES)).toString(
      'hex',
    ),
  };
  if (item.scheme !== 'envelope') return description;

  const header = readEnvelopeHeader(item.ciphertext);
  if (!header) {
    throw integrityError(item.appuser, 'it is not a well-formed Encryption SDK message');
  }
  return {
    ...description,
    encryptionContext: header.encryptionContext,
    algorithm: header.algorithm,
    wrappingKeyArns: header.keyArns,
    contextMatchesItem: sameContext(header.encryptionContext, itemContext(tableName, item.appuser)),
  };
}
