import type { LocalPrincipalName } from '@kms-demo/spec';
import type { Caller } from './caller.js';
import { CloudTrailError } from './cloudtrail-error.js';

/**
 * The principals whose policies grant `cloudtrail:LookupEvents`: the administrator, and
 * the auditor, who holds infra's auditor policy. The app and key-admin policies do not
 * grant it. One rule in one place until a general policy evaluator decides it.
 */
const MAY_LOOK_UP_EVENTS: ReadonlySet<LocalPrincipalName> = new Set(['admin', 'auditor']);

/** Throws AWS's AccessDeniedException unless the caller may call LookupEvents. */
export function authorizeLookupEvents(caller: Caller): void {
  if (MAY_LOOK_UP_EVENTS.has(caller.name)) return;
  throw new CloudTrailError(
    'AccessDeniedException',
    `User: ${caller.arn} is not authorized to perform: cloudtrail:LookupEvents because no identity-based policy allows the cloudtrail:LookupEvents action`,
  );
}
