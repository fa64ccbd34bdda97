import { compilePolicy } from '../authz/compiled-policy.js';
import { PolicyGrammarError } from '../authz/policy-grammar-error.js';
import { KmsError } from './errors.js';
import type { Scope } from './identifiers.js';

/** Key policy size quota (bytes). */
const MAX_POLICY_BYTES = 32_768;

/** Printable ASCII and Latin-1, plus tab, line feed and carriage return. */
function allowedInPolicy(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xff)
  );
}

/**
 * The default key policy KMS attaches when CreateKey has none: the account root may do
 * anything with the key, which delegates access control to IAM.
 */
export function defaultKeyPolicy(scope: Scope): string {
  const policy = {
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${scope.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
  return JSON.stringify(policy, null, 2);
}

/** Checks a policy document the way KMS does before storing it. */
export function checkKeyPolicy(policy: string): void {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw new KmsError(
      'LimitExceededException',
      `The key policy exceeds ${MAX_POLICY_BYTES} bytes.`,
    );
  }
  if (![...policy].every((character) => allowedInPolicy(character.charCodeAt(0)))) {
    throw new KmsError(
      'MalformedPolicyDocumentException',
      'The key policy contains characters that are not allowed.',
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw new KmsError('MalformedPolicyDocumentException', 'The key policy is not valid JSON.');
  }
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  if (typeof document !== 'object' || Array.isArray(document) || statements === undefined) {
    throw new KmsError(
      'MalformedPolicyDocumentException',
      'The key policy must be a JSON object with a Statement.',
    );
  }
  // A policy the endpoint stores is a policy it enforces: one it cannot read is refused
  // here rather than silently granting or denying later.
  try {
    compilePolicy(document);
  } catch (error) {
    if (!(error instanceof PolicyGrammarError)) throw error;
    throw new KmsError('MalformedPolicyDocumentException', error.message);
  }
}
