/** The subset of the IAM policy grammar this program writes. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Principal?: { AWS: string | string[] };
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}
