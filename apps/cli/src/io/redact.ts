/**
 * What an error line must never show. AWS and endpoint messages are quoted into error
 * messages by the SDK and by core, and an endpoint (a proxy, an emulator, a buggy
 * service) may echo the request it refused: its signature, its session token, or the
 * Plaintext field of a KMS Encrypt call. The error boundary passes every line through
 * `redact`, and the commands that hold a secret check errors with `mentionsSecret`.
 */

const MASK = '[redacted]';
const MIN_SENSITIVE_LENGTH = 8;
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
  stack?: unknown;
  cause?: unknown;
}

/** The texts of an error and its causes that the boundary could print. */
function texts(error: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  let e = error as Chained | undefined;
  while (e !== undefined && e !== null && !seen.has(e)) {
    seen.add(e);
    if (typeof e === 'object') {
      if (typeof e.message === 'string') found.push(e.message);
      if (typeof e.stack === 'string') found.push(e.stack);
      e = e.cause as Chained | undefined;
    } else {
      found.push(String(e));
      break;
    }
  }
  return found;
}

/**
 * True when any message of the error chain holds `secret`, as it is or base64-encoded
 * (the form JSON requests carry bytes in). Decoded candidates are zeroed after the check.
 */
export function mentionsSecret(error: unknown, secret: Uint8Array): boolean {
  if (secret.byteLength === 0) return false;
  const needle = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  for (const text of texts(error)) {
    const raw = Buffer.from(text, 'utf8');
    const inRaw = raw.indexOf(needle) !== -1;
    raw.fill(0);
    if (inRaw) return true;
    for (const run of text.match(/[A-Za-z0-9+/]{4,}={0,2}/g) ?? []) {
      const decoded = Buffer.from(run, 'base64');
      const hit = decoded.indexOf(needle) !== -1;
      decoded.fill(0);
      if (hit) return true;
    }
  }
  return false;
}
