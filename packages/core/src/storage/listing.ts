import { type ErrorCode, isKmsDemoError, KmsDemoError } from '../errors.js';
import { printable } from '../printable.js';
import { validateUserId } from './ids.js';
import { ATTRIBUTES, fromRecord, infoOf, type Scheme, type StoredItemInfo } from './item.js';

/**
 * One row of `list`. A listing never fails because of one odd item: an item that `get`
 * would refuse without calling KMS (a format this version does not know, an id that does
 * not validate, no ciphertext) is listed with `unreadable` saying why, and the listing goes on.
 */
export interface ListedItem extends Omit<StoredItemInfo, 'scheme'> {
  /** `unknown` when the item's format could not be parsed; then `unreadable` is set. */
  scheme: Scheme | 'unknown';
  /** Why `get` and `migrate` refuse the item: the code and message they would throw. */
  unreadable?: { code: ErrorCode; reason: string };
}

/**
 * `tableName` is for the one error that ends a listing: an item without a string
 * `appuser`, which means the table is not one of this tool's (another key schema).
 */
export function toListedItem(record: Record<string, unknown>, tableName: string): ListedItem {
  const appuser = record[ATTRIBUTES.appuser];
  if (typeof appuser !== 'string') {
    throw new KmsDemoError(
      'INTEGRITY',
      `Table '${printable(tableName)}' holds an item without a string '${ATTRIBUTES.appuser}' attribute: it is not a table of kms-demo (its key is another attribute); check the table name.`,
    );
  }
  let info: StoredItemInfo;
  try {
    info = infoOf(fromRecord(record));
  } catch (error) {
    if (!isKmsDemoError(error)) throw error;
    return { appuser, scheme: 'unknown', legacy: false, unreadable: unreadable(error) };
  }
  try {
    validateUserId(appuser);
  } catch (error) {
    if (!isKmsDemoError(error)) throw error;
    return { ...info, unreadable: unreadable(error) };
  }
  return info;
}

function unreadable(error: { code: ErrorCode; message: string }) {
  return { code: error.code, reason: error.message };
}
