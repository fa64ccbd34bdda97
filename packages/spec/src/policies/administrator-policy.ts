import { type PolicyDocument, policyDocument } from './policy-document.js';

/**
 * An account administrator's identity policy, as AWS's managed AdministratorAccess: every
 * action on every resource. A KMS key still needs its key policy to let IAM policies
 * count (the account root statement) before this reaches the key.
 */
export function buildAdministratorPolicy(): PolicyDocument {
  return policyDocument([
    { Sid: 'AdministratorAccess', Effect: 'Allow', Action: ['*'], Resource: '*' },
  ]);
}
