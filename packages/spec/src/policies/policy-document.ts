/**
 * The subset of the IAM policy grammar this project writes. Builders always write lists
 * for Action (so tests and readers never branch on string-or-list); the local endpoint's
 * evaluator reads the full documented grammar, including what these types leave out.
 */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal?: { AWS: string | string[] };
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}
