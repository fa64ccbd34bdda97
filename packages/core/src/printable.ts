/**
 * Text from a stored item (ids, header context values, key ARNs) ends up in error
 * messages the CLI prints. Anyone who can write the table chooses that text, so control
 * characters (terminal escapes) and very long values are kept out.
 */
export function printable(value: unknown, maxLength = 70): string {
  const cleaned = String(value).replace(/[^\x20-\x7e]/g, '?');
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 3)}...` : cleaned;
}
