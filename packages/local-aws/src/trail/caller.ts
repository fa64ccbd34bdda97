import { type LocalPrincipalName, localPrincipalArn, localPrincipalUserName } from '@kms-demo/spec';

/** Who made a request, as a CloudTrail record's `userIdentity` names them. */
export interface Caller {
  /** The local principal, e.g. `app`. */
  name: LocalPrincipalName;
  arn: string;
  accountId: string;
  accessKeyId: string;
  /** IAM's unique id of the user; ours is derived from the access key id. */
  principalId: string;
  userName: string;
}

/**
 * The trail's view of the principal behind a verified access key id: `name` is the
 * principal authentication found for it, `admin` when authentication is off.
 */
export function callerForAccessKey(
  accessKeyId: string,
  accountId: string,
  name: LocalPrincipalName = 'admin',
): Caller {
  return {
    name,
    arn: localPrincipalArn(name).replace(/::\d{12}:/, `::${accountId}:`),
    accountId,
    accessKeyId,
    // IAM user ids start with AIDA; the suffix only has to be stable per user.
    principalId: `AIDA${accessKeyId.slice(4)}`,
    userName: localPrincipalUserName(name),
  };
}

/** The access key id a SigV4 `Authorization` header names, or '' when there is none. */
export function signedAccessKeyId(authorization: string | undefined): string {
  return /Credential=([^/\s,]+)\//.exec(authorization ?? '')?.[1] ?? '';
}
