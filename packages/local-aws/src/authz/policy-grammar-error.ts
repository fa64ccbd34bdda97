/** A policy document the evaluator cannot read; KMS reports it as MalformedPolicyDocumentException. */
export class PolicyGrammarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyGrammarError';
  }
}
