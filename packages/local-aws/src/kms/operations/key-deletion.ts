import { invalidState } from '../errors.js';
import { DAY_MS } from '../key-store.js';
import {
  epochSeconds,
  keyFromMember,
  type Operation,
  requireNotPendingDeletion,
} from '../operation.js';
import { optionalInteger } from '../validation.js';

/**
 * ScheduleKeyDeletion: a waiting period of 7..30 days (default 30), after which the key
 * and its aliases are deleted. Returns the key ARN.
 */
export const scheduleKeyDeletion: Operation = (context, body) => {
  const days = optionalInteger(body, 'PendingWindowInDays', 7, 30) ?? 30;
  const key = keyFromMember(context, body, 'KeyId', false);
  requireNotPendingDeletion(context, key);
  key.state = 'PendingDeletion';
  key.deletionAt = context.now + days * DAY_MS;
  key.pendingWindowInDays = days;
  context.store.changed();
  return {
    KeyId: context.store.arn(key),
    DeletionDate: epochSeconds(key.deletionAt),
    KeyState: key.state,
    PendingWindowInDays: days,
  };
};

/** CancelKeyDeletion: the key comes back Disabled, as in AWS; EnableKey re-enables it. */
export const cancelKeyDeletion: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  if (key.state !== 'PendingDeletion') {
    throw invalidState(`${context.store.arn(key)} is not pending deletion.`);
  }
  key.state = 'Disabled';
  delete key.deletionAt;
  delete key.pendingWindowInDays;
  context.store.changed();
  return { KeyId: context.store.arn(key) };
};
