/** The one action the auditor needs: reading the trail through CloudTrail's LookupEvents. */
export const AUDITOR_ACTIONS = ['cloudtrail:LookupEvents'] as const;

/** An IAM policy document as the auditor policy writes it. */
export interface AuditorPolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string }[];
}

/**
 * The auditor's IAM policy: `cloudtrail:LookupEvents` and nothing else, so an auditor can
 * see who used the key for which user, and can neither use the key nor read the table.
 * LookupEvents supports no resource-level permissions or condition keys (the Service
 * Authorization Reference lists no resource type for it), so the resource must be `*`:
 * the grant covers every management event of the account in that region, not only this
 * key's.
 */
export function buildAuditorPolicy(): AuditorPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudTrailLookupEvents',
        Effect: 'Allow',
        Action: [...AUDITOR_ACTIONS],
        Resource: '*',
      },
    ],
  };
}
