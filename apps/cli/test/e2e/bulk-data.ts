import { randomBytes } from 'node:crypto';

/** A secret to import: text (with the characters CSV and JSON must quote) or bytes. */
export interface Sample {
  appuser?: string;
  secret: Buffer;
  binary: boolean;
}

const AWKWARD = [
  'a,b',
  'say "hi"',
  'two\nlines',
  'crlf\r\nend',
  'ünïcødé ✓ 秘密 🔑',
  "it's",
  ' padded ',
];

/** `n` distinct secrets, every seventh binary, the rest text with awkward characters. */
export function samples(n: number, tag: string): Sample[] {
  return Array.from({ length: n }, (_, i) => {
    if (i % 7 === 3) {
      return {
        secret: Buffer.concat([Buffer.from([0, 255, i & 255]), randomBytes(24)]),
        binary: true,
      };
    }
    const text = `${tag}-${i} ${AWKWARD[i % AWKWARD.length]} ${randomBytes(6).toString('hex')}`;
    return { secret: Buffer.from(text, 'utf8'), binary: false };
  });
}

export function toJsonLines(list: Sample[]): string {
  return list
    .map((s) =>
      JSON.stringify({
        ...(s.appuser && { appuser: s.appuser }),
        ...(s.binary
          ? { secret_base64: s.secret.toString('base64') }
          : { secret: s.secret.toString('utf8') }),
      }),
    )
    .join('\n')
    .concat('\n');
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** CSV with a BOM and a header; text secrets in `secret`, binary ones in `secret_base64`. */
export function toCsv(list: Sample[]): string {
  const rows = list.map((s) =>
    [
      s.appuser ?? '',
      s.binary ? '' : quote(s.secret.toString('utf8')),
      s.binary ? s.secret.toString('base64') : '',
    ].join(','),
  );
  return `\uFEFFappuser,secret,secret_base64\r\n${rows.join('\r\n')}\r\n`;
}

/** The exported lines as `appuser → secret bytes`. */
export function parseExport(text: string): Map<string, Buffer> {
  const result = new Map<string, Buffer>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { appuser, secret, secret_base64 } = JSON.parse(line);
    if (result.has(appuser)) throw new Error(`exported twice: ${appuser}`);
    result.set(
      appuser,
      secret !== undefined ? Buffer.from(secret, 'utf8') : Buffer.from(secret_base64, 'base64'),
    );
  }
  return result;
}

/** The secrets as a sorted list of hex strings, to compare sets with duplicates visible. */
export function secretSet(values: Iterable<Buffer>): string[] {
  return [...values].map((b) => b.toString('hex')).sort();
}
