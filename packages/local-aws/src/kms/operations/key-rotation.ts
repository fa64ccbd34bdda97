import { DAY_MS } from '../key-store.js';
import { epochSeconds, keyFromMember, type Operation, requireEnabled } from '../operation.js';
import { optionalInteger } from '../validation.js';

const DEFAULT_PERIOD_DAYS = 365;

/**
 * EnableKeyRotation: automatic rotation every RotationPeriodInDays (90..2560, default
 * 365). Calling it again with a period changes the period and restarts the schedule.
 */
export const enableKeyRotation: Operation = (context, body) => {
  const requested = optionalInteger(body, 'RotationPeriodInDays', 90, 2560);
  const key = keyFromMember(context, body, 'KeyId', false);
  requireEnabled(context, key);
  const period =
    requested ??
    (key.rotationEnabled ? key.rotationPeriodInDays : undefined) ??
    DEFAULT_PERIOD_DAYS;
  if (!key.rotationEnabled || period !== key.rotationPeriodInDays) {
    key.rotationEnabled = true;
    key.rotationPeriodInDays = period;
    key.nextRotationAt = context.now + period * DAY_MS;
    context.store.changed();
  }
  return {};
};

export const disableKeyRotation: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  requireEnabled(context, key);
  key.rotationEnabled = false;
  delete key.rotationPeriodInDays;
  delete key.nextRotationAt;
  context.store.changed();
  return {};
};

/**
 * GetKeyRotationStatus: works in every key state. A key pending deletion reports false
 * (its setting returns if the deletion is cancelled); period and next date only while on.
 */
export const getKeyRotationStatus: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  const enabled = key.rotationEnabled && key.state !== 'PendingDeletion';
  return {
    KeyRotationEnabled: enabled,
    KeyId: context.store.arn(key),
    ...(enabled && key.rotationPeriodInDays !== undefined
      ? { RotationPeriodInDays: key.rotationPeriodInDays }
      : {}),
    ...(enabled && key.nextRotationAt !== undefined
      ? { NextRotationDate: epochSeconds(key.nextRotationAt) }
      : {}),
  };
};
