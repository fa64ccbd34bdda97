/**
 * Text from a stored item (ids, header context values, key ARNs) ends up in error
 * messages the CLI prints. Anyone who can write the table chooses that text, so control
 * characters (terminal escapes) and very long values are kept out.
 */
export function printable(value: unknown, maxLength = 70): string {
  const cleaned = Array.from(String(value).replace(UNPRINTABLE, '?'));
  return cleaned.length > maxLength
    ? `${cleaned.slice(0, maxLength - 3).join('')}...`
    : cleaned.join('');
}

/**
 * Controls (C0, DEL, C1: terminal escapes), format characters (bidi overrides, zero
 * width), line separators, unassigned and private-use code points, lone surrogates.
 * Letters of any script stay as they are: `zoë` is shown as `zoë`.
 */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu;
