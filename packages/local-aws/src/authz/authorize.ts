import { type CompiledPolicy, statementApplies } from './compiled-policy.js';
import type { ConditionContext } from './condition-context.js';

/** One permission a request needs: an action on a resource, with the request's facts. */
export interface AuthorizationRequest {
  /** e.g. `kms:Encrypt`, `dynamodb:PutItem`. */
  action: string;
  /** The resource ARN, or `*` for actions on no resource (ListKeys, CreateKey, ListTables). */
  resource: string;
  /** The key policy when the resource is a KMS key: KMS consults it before any IAM policy. */
  keyPolicy?: CompiledPolicy;
  /** Request-specific condition keys; the caller's own keys are added by `authorize`. */
  context: ConditionContext;
}

/** A signed-in principal of the endpoint and the identity policies attached to it. */
export interface Caller {
  name: string;
  arn: string;
  accountId: string;
  identityPolicies: readonly CompiledPolicy[];
}

export type DenialReason =
  | 'explicit-deny-resource'
  | 'explicit-deny-identity'
  | 'no-resource-allow'
  | 'no-identity-allow';

export interface Denial {
  principal: string;
  action: string;
  resource: string;
  reason: DenialReason;
  /** AWS's AccessDenied wording (IAM "Troubleshoot access denied error messages"). */
  message: string;
}

/**
 * The decision AWS documents for a request within one account:
 *
 * - An explicit Deny in the key policy or in an identity policy wins over every Allow.
 * - KMS: the key policy must allow the request. A statement naming the caller (or `*`)
 *   is enough on its own; a statement naming the account (`arn:aws:iam::<id>:root`)
 *   only lets IAM policies count, so one of the caller's identity policies must allow
 *   the request as well. Without either, nothing else can grant access to the key.
 * - Anything else (DynamoDB; KMS actions on no key): an identity policy must allow it.
 *
 * Returns undefined when allowed, else the denial with its reason.
 */
export function authorize(caller: Caller, request: AuthorizationRequest): Denial | undefined {
  const context = withCallerKeys(request.context, caller, request.action);
  const { action, resource } = request;
  let identityAllows = false;
  for (const policy of caller.identityPolicies) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, action, resource, context)) continue;
      if (statement.effect === 'Deny') return deny(caller, request, 'explicit-deny-identity');
      identityAllows = true;
    }
  }
  if (!request.keyPolicy) {
    return identityAllows ? undefined : deny(caller, request, 'no-identity-allow');
  }
  let keyAllowsCaller = false;
  let keyAllowsAccount = false;
  for (const statement of request.keyPolicy.statements) {
    const principal = statement.principal;
    if (!principal) continue;
    const namesCaller = principal.anyone || principal.arns.has(caller.arn);
    const namesAccount = principal.accounts.has(caller.accountId);
    if (!(namesCaller || namesAccount)) continue;
    // In a key policy the resource `*` means "this key"; a key ARN must name it.
    if (!statementApplies(statement, action, resource, context)) continue;
    if (statement.effect === 'Deny') return deny(caller, request, 'explicit-deny-resource');
    if (namesCaller) keyAllowsCaller = true;
    if (namesAccount) keyAllowsAccount = true;
  }
  if (keyAllowsCaller) return undefined;
  if (keyAllowsAccount) {
    return identityAllows ? undefined : deny(caller, request, 'no-identity-allow');
  }
  return deny(caller, request, 'no-resource-allow');
}

/** The caller's own condition keys, made once per caller. */
const callerKeys = new WeakMap<Caller, ReadonlyMap<string, readonly string[]>>();

function withCallerKeys(
  context: ConditionContext,
  caller: Caller,
  action: string,
): ConditionContext {
  let own = callerKeys.get(caller);
  if (!own) {
    own = new Map([
      ['aws:principalarn', [caller.arn]],
      ['aws:principalaccount', [caller.accountId]],
      ['aws:principaltype', ['User']],
      ['aws:username', [caller.arn.slice(caller.arn.lastIndexOf('/') + 1)]],
    ]);
    callerKeys.set(caller, own);
  }
  const keys = own;
  const kms = action.startsWith('kms:') ? [caller.accountId] : undefined;
  // The caller's keys first: a request cannot name itself another principal.
  return {
    get: (key) => keys.get(key) ?? (key === 'kms:calleraccount' ? kms : context.get(key)),
  };
}

function deny(caller: Caller, request: AuthorizationRequest, reason: DenialReason): Denial {
  const { action, resource } = request;
  // AWS names no resource for an action that takes none (ListKeys, LookupEvents).
  const on = resource === '*' ? '' : ` on resource: ${resource}`;
  const start = `User: ${caller.arn} is not authorized to perform: ${action}${on}`;
  const endings: Record<DenialReason, string> = {
    'explicit-deny-resource': 'with an explicit deny in a resource-based policy',
    'explicit-deny-identity': 'with an explicit deny in an identity-based policy',
    'no-resource-allow': `because no resource-based policy allows the ${action} action`,
    'no-identity-allow': `because no identity-based policy allows the ${action} action`,
  };
  return {
    principal: caller.arn,
    action,
    resource,
    reason,
    message: `${start} ${endings[reason]}`,
  };
}
