/**
 * What an error line must never show. AWS and endpoint messages are quoted into error
 * messages by the SDK and by core, and an endpoint (a proxy, an emulator, a buggy
 * service) may echo the request it refused: its signature, its session token, or the
 * Plaintext field of a KMS Encrypt call. The error boundary passes every line through
 * `redact`, and the commands that hold a secret check errors with `mentionsSecret`.
 */

const MASK = '[redacted]';
const MIN_SENSITIVE_LENGTH = 8;
/** Secrets shorter than this are looked for in error messages as base64 only. */
const RAW_SEARCH_MIN_BYTES = 4;
const sensitive = new Set<string>();

/** Credentials in use, whatever their source, are masked wherever they would be printed. */
export function addSensitive(...values: Array<string | undefined>): void {
  for (const value of values) {
    if (value !== undefined && value.length >= MIN_SENSITIVE_LENGTH) sensitive.add(value);
  }
}

/** The credentials the AWS SDK would read from the environment. */
export function addSensitiveFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  addSensitive(env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_SECURITY_TOKEN);
}

/** SigV4 signatures and session tokens as requests carry them (header or query string). */
const SIGNING_PATTERNS: RegExp[] = [
  /(Signature=)[0-9a-f]{64}/gi,
  /(X-Amz-Signature=)[0-9a-f]{64}/gi,
  /((?:x-amz-security-token|X-Amz-Security-Token|token)[=:]\s*)[A-Za-z0-9+/=%_-]{16,}/g,
];

export function redact(text: string): string {
  let result = text;
  for (const value of sensitive) result = result.split(value).join(MASK);
  for (const pattern of SIGNING_PATTERNS) result = result.replace(pattern, `$1${MASK}`);
  return result;
}

interface Chained {
  message?: unknown;
  cause?: unknown;
}

/**
 * The messages of an error and its causes: what the boundary prints. Stack frames are
 * code locations, never request data, so they are not searched (their digits would
 * only make false matches for short secrets).
 */
function messages(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  let e = error as Chained | undefined;
  while (e !== undefined && e !== null && !seen.has(e)) {
    seen.add(e);
    if (typeof e === 'object') {
      if (typeof e.message === 'string') found.push(e.message);
      e = e.cause as Chained | undefined;
    } else {
      found.push(String(e));
      break;
    }
  }
  return found;
}

/**
 * True when any message of the error chain holds `secret`, as it is or base64-encoded as
 * a JSON request carries it (KMS `Plaintext`). Buffers made for the check are zeroed.
 */
export function mentionsSecret(error: unknown, secret: Uint8Array): boolean {
  if (secret.byteLength === 0) return false;
  const needle = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  // A secret of one to three bytes, as raw text, is an ordinary word of messages ("kms"
  // in every ARN, "us" in a region): searching for it withheld errors that never quoted
  // it. Such a secret is guessable in a moment anyway, so only its exact, padded base64
  // is searched: the form in which a request that quotes it back (KMS Plaintext) holds it.
  const short = secret.byteLength < RAW_SEARCH_MIN_BYTES;
  const base64 = needle.toString('base64');
  const encoded = Buffer.from(short ? base64 : base64.replace(/=+$/, ''), 'latin1');
  try {
    for (const text of messages(error)) {
      const raw = Buffer.from(text, 'utf8');
      const hit = (!short && raw.indexOf(needle) !== -1) || raw.indexOf(encoded) !== -1;
      raw.fill(0);
      if (hit) return true;
    }
    return false;
  } finally {
    encoded.fill(0);
  }
}
