import type { ConditionContext } from './condition-context.js';
import { type CompiledCondition, compileConditionBlock } from './conditions.js';
import { PolicyGrammarError } from './policy-grammar-error.js';
import { wildcardPattern } from './wildcard.js';

/** Who a resource-policy statement names: everyone, exact principal ARNs, or whole accounts. */
export interface PrincipalSet {
  anyone: boolean;
  arns: ReadonlySet<string>;
  /** Accounts named by `arn:<partition>:iam::<account>:root` or the bare account id. */
  accounts: ReadonlySet<string>;
}

export interface CompiledStatement {
  sid: string | undefined;
  effect: 'Allow' | 'Deny';
  principal: PrincipalSet | undefined;
  actions: Matcher;
  resources: Matcher;
  conditions: CompiledCondition[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
}

interface Matcher {
  negated: boolean;
  test(value: string): boolean;
}

const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;
const ACCOUNT_ID = /^\d{12}$/;

/**
 * Reads a policy document (JSON text or parsed) into matchers, once, so evaluating a
 * request does no parsing. Reads the IAM grammar: Effect, Principal, Action/NotAction,
 * Resource/NotResource and Condition with the operators of conditions.ts. NotPrincipal
 * and policy variables are refused (PolicyGrammarError), as is anything malformed.
 */
export function compilePolicy(document: unknown): CompiledPolicy {
  let parsed = document;
  if (typeof document === 'string') {
    try {
      parsed = JSON.parse(document);
    } catch {
      throw new PolicyGrammarError('The policy is not valid JSON.');
    }
  }
  if (!isRecord(parsed)) throw new PolicyGrammarError('The policy must be a JSON object.');
  const statements = parsed.Statement;
  const list = Array.isArray(statements) ? statements : [statements];
  if (statements === undefined || list.length === 0) {
    throw new PolicyGrammarError('The policy has no Statement.');
  }
  return { statements: list.map(compileStatement) };
}

function compileStatement(raw: unknown): CompiledStatement {
  if (!isRecord(raw)) throw new PolicyGrammarError('Each Statement must be an object.');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    throw new PolicyGrammarError('Effect must be "Allow" or "Deny".');
  }
  if (raw.NotPrincipal !== undefined) {
    throw new PolicyGrammarError('NotPrincipal is not supported by the local endpoint.');
  }
  return {
    sid: typeof raw.Sid === 'string' ? raw.Sid : undefined,
    effect: raw.Effect,
    principal: raw.Principal === undefined ? undefined : compilePrincipal(raw.Principal),
    actions: compileMatcher(raw, 'Action', true),
    resources: compileMatcher(raw, 'Resource', false),
    conditions: compileConditionBlock(raw.Condition),
  };
}

function compilePrincipal(raw: unknown): PrincipalSet {
  if (raw === '*') return { anyone: true, arns: new Set(), accounts: new Set() };
  if (!isRecord(raw)) throw new PolicyGrammarError('Principal must be "*" or an object.');
  const arns = new Set<string>();
  const accounts = new Set<string>();
  let anyone = false;
  for (const [kind, value] of Object.entries(raw)) {
    // Service and federated principals never sign requests to this endpoint.
    if (kind !== 'AWS') continue;
    for (const entry of strings(value, 'Principal')) {
      const root = ACCOUNT_ROOT.exec(entry)?.[1];
      if (entry === '*') anyone = true;
      else if (root) accounts.add(root);
      else if (ACCOUNT_ID.test(entry)) accounts.add(entry);
      else arns.add(entry);
    }
  }
  return { anyone, arns, accounts };
}

function compileMatcher(
  raw: Record<string, unknown>,
  element: string,
  ignoreCase: boolean,
): Matcher {
  const positive = raw[element];
  const negative = raw[`Not${element}`];
  if ((positive === undefined) === (negative === undefined)) {
    throw new PolicyGrammarError(`A Statement needs exactly one of ${element} and Not${element}.`);
  }
  const values = strings(positive ?? negative, element);
  if (values.some((value) => value.includes('${'))) {
    throw new PolicyGrammarError('Policy variables are not supported by the local endpoint.');
  }
  const patterns = values.map((value) => wildcardPattern(value, ignoreCase));
  return {
    negated: negative !== undefined,
    test: (value) => patterns.some((pattern) => pattern.test(value)),
  };
}

/** Whether a statement's Action, Resource and Condition elements all apply to a request. */
export function statementApplies(
  statement: CompiledStatement,
  action: string,
  resource: string,
  context: ConditionContext,
): boolean {
  return (
    statement.actions.test(action) !== statement.actions.negated &&
    statement.resources.test(resource) !== statement.resources.negated &&
    statement.conditions.every((condition) => condition.test(context))
  );
}

function strings(value: unknown, element: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((item) => typeof item === 'string')) {
    throw new PolicyGrammarError(`${element} must be a string or a list of strings.`);
  }
  return list;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
