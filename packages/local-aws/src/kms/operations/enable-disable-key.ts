import { keyFromMember, type Operation, requireNotPendingDeletion } from '../operation.js';

/** EnableKey: a key pending deletion must have its deletion cancelled first. */
export const enableKey: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  requireNotPendingDeletion(context, key);
  key.state = 'Enabled';
  context.store.changed();
  return {};
};

/** DisableKey: cryptographic operations then fail with DisabledException. */
export const disableKey: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  requireNotPendingDeletion(context, key);
  key.state = 'Disabled';
  context.store.changed();
  return {};
};
