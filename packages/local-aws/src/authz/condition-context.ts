/**
 * The facts of one request that condition keys read: key name (lower case, since IAM
 * condition key names are case-insensitive) → values. Single-valued keys hold one value;
 * multivalued keys such as `kms:EncryptionContextKeys` hold the set, possibly empty.
 */
export interface ConditionContext {
  get(key: string): readonly string[] | undefined;
}

export function conditionContext(
  entries: Iterable<readonly [string, string | readonly string[]]>,
): Map<string, readonly string[]> {
  const context = new Map<string, readonly string[]>();
  for (const [key, value] of entries) {
    context.set(key.toLowerCase(), typeof value === 'string' ? [value] : value);
  }
  return context;
}
