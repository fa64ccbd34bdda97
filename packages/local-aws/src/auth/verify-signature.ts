import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsErrorReply, authErrors } from '../http/aws-error.js';
import type { LocalAwsCredentials } from '../state/credentials.js';
import { type ParsedAuthorization, parseAuthorization } from './authorization-header.js';
import { NodeSha256 } from './node-sha256.js';

/** A request as it arrived on the wire, body fully read. */
export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/` or `/?a=b`. */
  url: string;
  /** Header values per lower-case name, repeated headers kept apart. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** AWS refuses a request whose signing time is further than this from its own clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Who signs with which credentials: access key id → the principal's record. */
export type Keyring<P> = ReadonlyMap<string, { credentials: LocalAwsCredentials; principal: P }>;

/**
 * Checks a request's SigV4 signature against the credentials of the endpoint's principals
 * by recomputing it with the SDK's own signer over the request as received: its method,
 * path, query, exactly the headers it says it signed, and the hash of its body, at its own
 * X-Amz-Date and credential scope. The scope must name the endpoint's region, as AWS
 * requires. The access key id picks whose secret signs; the signature proves it.
 */
export class SignatureVerifier<P = undefined> {
  private readonly keyring: Keyring<P>;
  /** One signer per access key, made once: each caches its derived signing keys. */
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    keys: LocalAwsCredentials | Keyring<P>,
    private readonly region: string,
  ) {
    this.keyring =
      keys instanceof Map
        ? keys
        : new Map([
            [
              (keys as LocalAwsCredentials).accessKeyId,
              { credentials: keys as LocalAwsCredentials, principal: undefined as P },
            ],
          ]);
    for (const [accessKeyId, { credentials }] of this.keyring) {
      // applyChecksum off: the signer must not add a body-hash header the client never signed.
      const signer = new SignatureV4({
        credentials,
        region,
        service: 'kms',
        sha256: NodeSha256,
        applyChecksum: false,
      });
      this.signers.set(accessKeyId, signer);
    }
  }

  /** The AWS error to send, or undefined if the request is validly signed. */
  async verify(
    request: ReceivedRequest,
    expectedService: string | undefined,
    now = new Date(),
  ): Promise<AwsErrorReply | undefined> {
    const result = await this.authenticate(request, expectedService, now);
    return 'error' in result ? result.error : undefined;
  }

  /** As `verify`, naming the principal whose credentials signed a valid request. */
  async authenticate(
    request: ReceivedRequest,
    expectedService: string | undefined,
    now = new Date(),
  ): Promise<{ error: AwsErrorReply } | { principal: P }> {
    const parsed = parseAuthorization(
      single(request.headers.authorization),
      single(request.headers['x-amz-date']),
    );
    if ('status' in parsed) return { error: parsed };
    const scopeError = checkScope(parsed, this.region, expectedService, now);
    if (scopeError) return { error: scopeError };
    const targetError = checkTargetSigned(parsed, request);
    if (targetError) return { error: targetError };
    const signer = this.keyring.get(parsed.accessKeyId);
    if (!signer) return { error: authErrors.unrecognizedClient() };
    // Our credentials are long-term keys: a session token can only belong to someone else.
    if (request.headers['x-amz-security-token']) return { error: authErrors.unrecognizedClient() };
    const declaredHash = single(request.headers['x-amz-content-sha256']);
    if (declaredHash !== undefined && declaredHash !== sha256Hex(request.body)) {
      return {
        error: authErrors.invalidSignature(
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        ),
      };
    }
    const expected = await this.computeSignature(signer.credentials, request, parsed);
    return constantTimeEqual(expected, parsed.signature)
      ? { principal: signer.principal }
      : { error: authErrors.invalidSignature() };
  }

  private async computeSignature(
    credentials: LocalAwsCredentials,
    request: ReceivedRequest,
    auth: ParsedAuthorization,
  ): Promise<string> {
    const url = new URL(request.url, 'http://local');
    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      // Repeated headers are signed as their values joined by commas.
      headers[name] = (request.headers[name] ?? []).map((v) => v.trim()).join(',');
    }
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      query[key] = values.length === 1 ? (values[0] ?? '') : values;
    }
    const signer = this.signers.get(credentials.accessKeyId);
    if (!signer) return '';
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: url.hostname,
        path: safeDecodePath(url.pathname),
        query,
        headers,
        body: request.body,
      },
      {
        signingDate: auth.signingDate,
        signingRegion: auth.region,
        signingService: auth.service,
        signableHeaders: new Set(auth.signedHeaders),
      },
    );
    return /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))?.[1] ?? '';
  }
}

function checkScope(
  auth: ParsedAuthorization,
  region: string,
  expectedService: string | undefined,
  now: Date,
): AwsErrorReply | undefined {
  const skew = auth.signingDate.getTime() - now.getTime();
  if (skew < -MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() - MAX_CLOCK_SKEW_MS);
    return authErrors.invalidSignature(
      `Signature expired: ${auth.amzDate} is now earlier than ${amzDate(limit)} (${amzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_CLOCK_SKEW_MS) {
    const limit = new Date(now.getTime() + MAX_CLOCK_SKEW_MS);
    return authErrors.invalidSignature(
      `Signature not yet current: ${auth.amzDate} is still later than ${amzDate(limit)} (${amzDate(now)} + 5 min.)`,
    );
  }
  if (auth.scopeDate !== auth.amzDate.slice(0, 8)) {
    return authErrors.invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
  if (auth.region !== region) {
    return authErrors.invalidSignature(
      `Credential should be scoped to a valid region, not '${auth.region}'.`,
    );
  }
  if (expectedService && auth.service !== expectedService) {
    return authErrors.invalidSignature(
      `Credential should be scoped to correct service: '${expectedService}'.`,
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    return authErrors.invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  return undefined;
}

/**
 * The operation is chosen by X-Amz-Target, so it must be covered by the signature: else a
 * captured request could be replayed as another operation on the same body. Every SDK and
 * the AWS CLI sign it anyway.
 */
function checkTargetSigned(
  auth: ParsedAuthorization,
  request: ReceivedRequest,
): AwsErrorReply | undefined {
  if (request.headers['x-amz-target'] && !auth.signedHeaders.includes('x-amz-target')) {
    return authErrors.invalidSignature(
      "'X-Amz-Target' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  return undefined;
}

function single(values: string[] | undefined): string | undefined {
  return values?.[0];
}

function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function safeDecodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function constantTimeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
