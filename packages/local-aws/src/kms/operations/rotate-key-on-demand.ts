import { KmsError } from '../errors.js';
import { keyFromMember, type Operation, requireEnabled } from '../operation.js';

/** On-demand rotations allowed per key (AWS quota). */
const MAX_ON_DEMAND_ROTATIONS = 25;

/**
 * RotateKeyOnDemand: adds new backing material at once (AWS finishes in the background;
 * here there is nothing to wait for). New encryptions use it; old ciphertexts still
 * decrypt with the material that made them. The automatic schedule is unchanged.
 */
export const rotateKeyOnDemand: Operation = (context, body) => {
  const key = keyFromMember(context, body, 'KeyId', false);
  requireEnabled(context, key);
  if (key.onDemandRotations >= MAX_ON_DEMAND_ROTATIONS) {
    throw new KmsError(
      'LimitExceededException',
      `${context.store.arn(key)} has reached the limit of ${MAX_ON_DEMAND_ROTATIONS} on-demand rotations.`,
    );
  }
  key.onDemandRotations += 1;
  context.store.addMaterial(key, context.now);
  return { KeyId: context.store.arn(key) };
};
