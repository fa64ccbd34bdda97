import {
  buildAdministratorPolicy,
  buildAppPolicy,
  buildAuditorPolicy,
  buildKeyPolicy,
  LOCAL_PRINCIPALS,
  type LocalPrincipalName,
  localPrincipalUserName,
  type PolicyDocument,
  TABLE_NAME,
} from '@kms-demo/spec';
import type { LocalAwsCredentials, PrincipalCredentials } from '../state/credentials.js';
import type { Caller } from './authorize.js';
import { compilePolicy } from './compiled-policy.js';

/** What the local policies depend on: the endpoint's account, region and the bootstrap key. */
export interface LocalPolicyOptions {
  accountId: string;
  region: string;
  /** ARN of the key behind alias/demo-kms; empty when there is none (bootstrap off). */
  keyArn: string;
  /** Whether key users may Decrypt without an encryption context (original-demo items). */
  allowLegacyItems: boolean;
}

export interface LocalPrincipal extends Caller {
  name: LocalPrincipalName;
  credentials: LocalAwsCredentials;
  /** The identity policies attached to it, as documents (what `compile` read). */
  policies: PolicyDocument[];
}

export function principalArn(accountId: string, name: LocalPrincipalName): string {
  return `arn:aws:iam::${accountId}:user/${localPrincipalUserName(name)}`;
}

/**
 * The key policy of alias/demo-kms on the local endpoint: the spec's builder, for the
 * local account, with `key-admin` as the key administrator and `app` as the key user,
 * serialized as infra serializes it, so the two are the same bytes.
 */
export function localKeyPolicy(
  options: Pick<LocalPolicyOptions, 'accountId' | 'allowLegacyItems'>,
): string {
  return JSON.stringify(
    buildKeyPolicy({
      partition: 'aws',
      accountId: options.accountId,
      keyAdministrators: [principalArn(options.accountId, 'key-admin')],
      keyUsers: [principalArn(options.accountId, 'app')],
      tableName: TABLE_NAME,
      allowLegacyItems: options.allowLegacyItems,
    }),
  );
}

/**
 * The identity policies of each principal:
 * - admin: the administrator policy; reaches the key through the key policy's root statement.
 * - key-admin: none; the key policy's KeyAdministrators statement is all it gets.
 * - app: the app policy infra deploys, for this key and table.
 * - auditor: may look up the trail (cloudtrail:LookupEvents), nothing else.
 */
export function localIdentityPolicies(
  name: LocalPrincipalName,
  options: LocalPolicyOptions,
): PolicyDocument[] {
  switch (name) {
    case 'admin':
      return [buildAdministratorPolicy()];
    case 'key-admin':
      return [];
    case 'app':
      return [
        buildAppPolicy({
          keyArn: options.keyArn,
          tableArn: `arn:aws:dynamodb:${options.region}:${options.accountId}:table/${TABLE_NAME}`,
          tableName: TABLE_NAME,
          allowLegacyItems: options.allowLegacyItems,
        }),
      ];
    case 'auditor':
      return [buildAuditorPolicy()];
  }
}

export function localPrincipals(
  credentials: PrincipalCredentials,
  options: LocalPolicyOptions,
): LocalPrincipal[] {
  return LOCAL_PRINCIPALS.map((name) => {
    const policies = localIdentityPolicies(name, options);
    return {
      name,
      arn: principalArn(options.accountId, name),
      accountId: options.accountId,
      credentials: credentials[name],
      policies,
      identityPolicies: policies.map((policy) => compilePolicy(policy)),
    };
  });
}
