import { describe, expect, it } from 'vitest';
import { authorize, type Caller } from '../src/authz/authorize.js';
import { compilePolicy } from '../src/authz/compiled-policy.js';
import { conditionContext } from '../src/authz/condition-context.js';
import { compileConditionBlock } from '../src/authz/conditions.js';
import { PolicyGrammarError } from '../src/authz/policy-grammar-error.js';

const ACCOUNT = '000000000000';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const USER = `arn:aws:iam::${ACCOUNT}:user/kms-demo-app`;

/** Whether the one condition `{ operator: { key: values } }` holds for the request facts. */
function holds(
  operator: string,
  key: string,
  values: string | string[],
  facts: [string, string | string[]][],
) {
  const [condition] = compileConditionBlock({ [operator]: { [key]: values } });
  return condition?.test(conditionContext(facts));
}

describe('condition operators', () => {
  const table = 'kms:EncryptionContext:table';
  it.each([
    ['StringEquals', table, 'demo-kms', [[table, 'demo-kms']], true],
    ['StringEquals', table, 'demo-kms', [[table, 'Demo-Kms']], false],
    ['StringEquals', table, 'demo-kms', [], false],
    ['StringEquals', 'KMS:ENCRYPTIONCONTEXT:TABLE', 'demo-kms', [[table, 'demo-kms']], true],
    ['StringEqualsIgnoreCase', table, 'demo-kms', [[table, 'Demo-Kms']], true],
    ['StringNotEquals', table, 'demo-kms', [[table, 'other']], true],
    ['StringNotEquals', table, 'demo-kms', [[table, 'demo-kms']], false],
    ['StringNotEquals', table, 'demo-kms', [], true],
    ['StringLike', table, 'demo-*', [[table, 'demo-kms']], true],
    ['StringLike', table, 'demo-?', [[table, 'demo-kms']], false],
    ['StringNotLike', table, 'demo-*', [[table, 'other']], true],
    ['StringEqualsIfExists', table, 'demo-kms', [], true],
    ['StringEqualsIfExists', table, 'demo-kms', [[table, 'other']], false],
    ['Null', 'kms:EncryptionContextKeys', 'true', [], true],
    ['Null', 'kms:EncryptionContextKeys', 'true', [['kms:EncryptionContextKeys', []]], true],
    [
      'Null',
      'kms:EncryptionContextKeys',
      'true',
      [['kms:EncryptionContextKeys', ['table']]],
      false,
    ],
    [
      'Null',
      'kms:EncryptionContextKeys',
      'false',
      [['kms:EncryptionContextKeys', ['table']]],
      true,
    ],
    [
      'ForAllValues:StringEquals',
      'kms:EncryptionContextKeys',
      ['table', 'appuser'],
      [['kms:EncryptionContextKeys', ['table', 'appuser']]],
      true,
    ],
    [
      'ForAllValues:StringEquals',
      'kms:EncryptionContextKeys',
      ['table'],
      [['kms:EncryptionContextKeys', ['table', 'extra']]],
      false,
    ],
    ['ForAllValues:StringEquals', 'kms:EncryptionContextKeys', ['table'], [], true],
    [
      'ForAnyValue:StringEquals',
      'kms:EncryptionContextKeys',
      ['table'],
      [['kms:EncryptionContextKeys', ['table', 'extra']]],
      true,
    ],
    [
      'ForAnyValue:StringEquals',
      'kms:EncryptionContextKeys',
      ['table'],
      [['kms:EncryptionContextKeys', ['extra']]],
      false,
    ],
    ['ForAnyValue:StringEquals', 'kms:EncryptionContextKeys', ['table'], [], false],
    [
      'ForAllValues:StringNotEquals',
      'kms:EncryptionContextKeys',
      ['secret'],
      [['kms:EncryptionContextKeys', ['table']]],
      true,
    ],
    ['Bool', 'aws:SecureTransport', 'true', [['aws:SecureTransport', 'TRUE']], true],
    ['Bool', 'aws:SecureTransport', 'true', [['aws:SecureTransport', 'false']], false],
    [
      'ArnLike',
      'aws:PrincipalArn',
      'arn:aws:iam::*:user/kms-demo-*',
      [['aws:PrincipalArn', USER]],
      true,
    ],
    ['ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', [['aws:PrincipalArn', USER]], false],
    ['ArnNotLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', [['aws:PrincipalArn', USER]], true],
    ['ArnLikeIfExists', 'aws:PrincipalArn', 'arn:aws:iam::*:role/*', [], true],
  ] as [string, string, string | string[], [string, string | string[]][], boolean][])(
    '%s %s %j given %j is %s',
    (operator, key, values, facts, expected) => {
      expect(holds(operator, key, values, facts)).toBe(expected);
    },
  );

  it('refuses operators it does not implement rather than guessing', () => {
    expect(() => compileConditionBlock({ NumericLessThan: { 'kms:x': '1' } })).toThrow(
      PolicyGrammarError,
    );
    expect(() =>
      compilePolicy({
        Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '*' }, Action: '*', Resource: '*' }],
      }),
    ).toThrow(PolicyGrammarError);
  });
});

describe('authorize', () => {
  const allowAll = compilePolicy({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  const denyDecrypt = compilePolicy({
    Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }],
  });
  const rootKeyPolicy = compilePolicy({
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
  const caller = (identityPolicies: Caller['identityPolicies']): Caller => ({
    name: 'app',
    arn: USER,
    accountId: ACCOUNT,
    identityPolicies,
  });
  const request = (action: string) => ({
    action,
    resource: KEY,
    keyPolicy: rootKeyPolicy,
    context: new Map(),
  });

  it('allows through the account root statement when an identity policy allows', () => {
    expect(authorize(caller([allowAll]), request('kms:Decrypt'))).toBeUndefined();
  });

  it('lets an explicit Deny in an identity policy win over its Allow and the key policy', () => {
    expect(authorize(caller([allowAll, denyDecrypt]), request('kms:Decrypt'))).toMatchObject({
      reason: 'explicit-deny-identity',
      message: `User: ${USER} is not authorized to perform: kms:Decrypt on resource: ${KEY} with an explicit deny in an identity-based policy`,
    });
    expect(authorize(caller([allowAll, denyDecrypt]), request('kms:Encrypt'))).toBeUndefined();
  });

  it('matches actions without regard to case, resources with it', () => {
    const policy = compilePolicy({
      Statement: [{ Effect: 'Allow', Action: 'KMS:decrypt', Resource: KEY.toUpperCase() }],
    });
    expect(authorize(caller([policy]), request('kms:Decrypt'))).toMatchObject({
      reason: 'no-identity-allow',
    });
    const exact = compilePolicy({
      Statement: [{ Effect: 'Allow', Action: 'KMS:decrypt', Resource: KEY }],
    });
    expect(authorize(caller([exact]), request('kms:Decrypt'))).toBeUndefined();
  });

  it('gives the caller its own condition keys (aws:PrincipalArn, kms:CallerAccount)', () => {
    const policy = compilePolicy({
      Statement: [
        {
          Effect: 'Allow',
          Action: 'kms:*',
          Resource: '*',
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': USER },
            StringEquals: { 'kms:CallerAccount': ACCOUNT },
          },
        },
      ],
    });
    expect(authorize(caller([policy]), request('kms:Decrypt'))).toBeUndefined();
    const other = { ...caller([policy]), arn: `arn:aws:iam::${ACCOUNT}:user/someone` };
    expect(authorize(other, request('kms:Decrypt'))).toMatchObject({ reason: 'no-identity-allow' });
  });
});
