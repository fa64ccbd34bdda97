import { notFound } from '../errors.js';
import { checkKeyPolicy } from '../key-policy.js';
import { keyFromMember, type Operation } from '../operation.js';
import { type Body, optionalBoolean, optionalString, requiredString } from '../validation.js';

/** The only key policy name KMS has. */
const POLICY_NAME = 'default';

function readPolicyName(body: Body): string {
  const name = optionalString(body, 'PolicyName', { min: 1, max: 128 }) ?? POLICY_NAME;
  if (name !== POLICY_NAME)
    throw notFound(`No such policy exists: ${name}. The only policy name is "default".`);
  return name;
}

/** GetKeyPolicy: the stored policy document (policies are stored, not enforced). */
export const getKeyPolicy: Operation = (context, body) => {
  const policyName = readPolicyName(body);
  const key = keyFromMember(context, body, 'KeyId', false);
  return { Policy: key.policy, PolicyName: policyName };
};

/** PutKeyPolicy: replaces the stored policy document after KMS's format checks. */
export const putKeyPolicy: Operation = (context, body) => {
  readPolicyName(body);
  const policy = requiredString(body, 'Policy', { min: 1 });
  optionalBoolean(body, 'BypassPolicyLockoutSafetyCheck');
  checkKeyPolicy(policy);
  const key = keyFromMember(context, body, 'KeyId', false);
  key.policy = policy;
  context.store.changed();
  return {};
};
