import type { Operation } from '../operation.js';
import { createAlias } from './create-alias.js';
import { createKey } from './create-key.js';
import { decrypt } from './decrypt.js';
import { deleteAlias } from './delete-alias.js';
import { describeKey } from './describe-key.js';
import { disableKey, enableKey } from './enable-disable-key.js';
import { encrypt } from './encrypt.js';
import { generateDataKey, generateDataKeyWithoutPlaintext } from './generate-data-key.js';
import { generateRandom } from './generate-random.js';
import { cancelKeyDeletion, scheduleKeyDeletion } from './key-deletion.js';
import { getKeyPolicy, putKeyPolicy } from './key-policy.js';
import { disableKeyRotation, enableKeyRotation, getKeyRotationStatus } from './key-rotation.js';
import { listAliases } from './list-aliases.js';
import { listKeys } from './list-keys.js';
import { reEncrypt } from './re-encrypt.js';
import { listResourceTags, tagResource, untagResource } from './resource-tags.js';
import { rotateKeyOnDemand } from './rotate-key-on-demand.js';
import { updateAlias } from './update-alias.js';

/** The supported operations, by the name after "TrentService." in X-Amz-Target. */
export const operations: ReadonlyMap<string, Operation> = new Map([
  ['CancelKeyDeletion', cancelKeyDeletion],
  ['CreateAlias', createAlias],
  ['CreateKey', createKey],
  ['Decrypt', decrypt],
  ['DeleteAlias', deleteAlias],
  ['DescribeKey', describeKey],
  ['DisableKey', disableKey],
  ['DisableKeyRotation', disableKeyRotation],
  ['EnableKey', enableKey],
  ['EnableKeyRotation', enableKeyRotation],
  ['Encrypt', encrypt],
  ['GenerateDataKey', generateDataKey],
  ['GenerateDataKeyWithoutPlaintext', generateDataKeyWithoutPlaintext],
  ['GenerateRandom', generateRandom],
  ['GetKeyPolicy', getKeyPolicy],
  ['GetKeyRotationStatus', getKeyRotationStatus],
  ['ListAliases', listAliases],
  ['ListKeys', listKeys],
  ['ListResourceTags', listResourceTags],
  ['PutKeyPolicy', putKeyPolicy],
  ['ReEncrypt', reEncrypt],
  ['RotateKeyOnDemand', rotateKeyOnDemand],
  ['ScheduleKeyDeletion', scheduleKeyDeletion],
  ['TagResource', tagResource],
  ['UntagResource', untagResource],
  ['UpdateAlias', updateAlias],
]);
