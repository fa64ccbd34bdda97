import type { ConditionContext } from './condition-context.js';
import { PolicyGrammarError } from './policy-grammar-error.js';
import { arnMatches, wildcardPattern } from './wildcard.js';

/**
 * The condition operators this evaluator understands, as the IAM JSON policy reference
 * documents them. Anything else is refused when the policy is read, never guessed at.
 */
const POSITIVE: Record<string, (expected: string) => (value: string) => boolean> = {
  StringEquals: (expected) => (value) => value === expected,
  StringEqualsIgnoreCase: (expected) => {
    const lower = expected.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  },
  StringLike: (expected) => {
    const pattern = wildcardPattern(expected, false);
    return (value) => pattern.test(value);
  },
  ArnEquals: (expected) => (value) => arnMatches(value, expected),
  ArnLike: (expected) => (value) => arnMatches(value, expected),
  Bool: (expected) => {
    const lower = expected.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  },
};

/** Negated operators: true when the value matches none of the listed values. */
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

type SetQualifier = 'ForAllValues' | 'ForAnyValue' | undefined;

/** One `"Operator": { "key": values }` pair, ready to evaluate. */
export interface CompiledCondition {
  readonly describe: string;
  test(context: ConditionContext): boolean;
}

export function compileConditionBlock(block: unknown): CompiledCondition[] {
  if (block === undefined) return [];
  if (!isRecord(block)) throw new PolicyGrammarError('Condition must be an object.');
  const compiled: CompiledCondition[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    if (!isRecord(keys)) {
      throw new PolicyGrammarError(`Condition operator ${operator} must map keys to values.`);
    }
    for (const [key, values] of Object.entries(keys)) {
      compiled.push(compileCondition(operator, key, toStrings(values, operator)));
    }
  }
  return compiled;
}

function compileCondition(operator: string, key: string, expected: string[]): CompiledCondition {
  let rest = operator;
  let qualifier: SetQualifier;
  for (const prefix of ['ForAllValues', 'ForAnyValue'] as const) {
    if (rest.startsWith(`${prefix}:`)) {
      qualifier = prefix;
      rest = rest.slice(prefix.length + 1);
    }
  }
  const ifExists = rest.endsWith('IfExists') && rest !== 'IfExists';
  if (ifExists) rest = rest.slice(0, -'IfExists'.length);
  const lookup = key.toLowerCase();
  const describe = `${operator} ${key}`;

  if (rest === 'Null') {
    if (qualifier || ifExists) throw new PolicyGrammarError(`${operator} is not an operator.`);
    const wantAbsent = expected.map((value) => value.toLowerCase() === 'true');
    return {
      describe,
      test: (context) => {
        const absent = !(context.get(lookup)?.length ?? 0);
        return wantAbsent.some((want) => want === absent);
      },
    };
  }

  const negatedOf = NEGATED[rest];
  const positive = POSITIVE[negatedOf ?? rest];
  if (!positive) throw new PolicyGrammarError(`Condition operator ${operator} is not supported.`);
  const tests = expected.map(positive);
  const matchesAny = (value: string) => tests.some((test) => test(value));
  const matches = negatedOf ? (value: string) => !matchesAny(value) : matchesAny;

  return {
    describe,
    test: (context) => {
      const values = context.get(lookup) ?? [];
      if (values.length === 0) {
        // IAM: ForAllValues is true of an absent or empty set, ForAnyValue false; a
        // missing key fails a condition unless it is ...IfExists or a negated operator.
        if (qualifier === 'ForAllValues') return true;
        if (qualifier === 'ForAnyValue') return false;
        return ifExists || negatedOf !== undefined;
      }
      if (qualifier === 'ForAllValues') return values.every(matches);
      if (qualifier === 'ForAnyValue') return values.some(matches);
      // Unqualified on a set: positive operators need one match, negated ones need all.
      return negatedOf ? values.every(matches) : values.some(matches);
    },
  };
}

function toStrings(values: unknown, operator: string): string[] {
  const list = Array.isArray(values) ? values : [values];
  return list.map((value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'boolean' || typeof value === 'number') return String(value);
    throw new PolicyGrammarError(`Condition values of ${operator} must be strings.`);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
