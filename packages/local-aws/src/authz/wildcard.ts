/** Matchers for IAM's `*` (any run of characters) and `?` (any one character). */

const SPECIAL = /[.+^${}()|[\]\\]/g;

export function wildcardPattern(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern.replace(SPECIAL, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}

/**
 * ArnLike / ArnEquals: each of the six colon-separated parts is matched on its own, so a
 * `*` in the service part cannot swallow the region and account (IAM condition operators
 * reference). The resource part keeps any further colons.
 */
export function arnMatches(value: string, pattern: string): boolean {
  const parts = splitArn(value);
  const patterns = splitArn(pattern);
  if (!parts || !patterns) return false;
  return patterns.every((part, index) => wildcardPattern(part, false).test(parts[index] ?? ''));
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
