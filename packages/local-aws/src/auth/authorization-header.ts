import { type AwsErrorReply, authErrors } from '../http/aws-error.js';

/** The parts of a SigV4 `Authorization` header and its `X-Amz-Date`. */
export interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  signingDate: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
 * SignedHeaders=a;b, Signature=<hex>`. Shape problems are the errors AWS gives for them:
 * no header at all is a missing token; a malformed one, or one of another scheme such as
 * `Basic` or `Bearer`, an incomplete signature naming every part it lacks. Unlike AWS, the
 * message does not quote the header back: it may hold someone's password or token.
 */
export function parseAuthorization(
  authorization: string | undefined,
  amzDate: string | undefined,
): ParsedAuthorization | AwsErrorReply {
  const value = authorization?.trim();
  if (!value) return authErrors.missing();
  const [algorithm = '', ...rest] = value.split(/\s+/);
  if (algorithm.startsWith('AWS4-') && algorithm !== ALGORITHM) {
    return authErrors.incomplete(
      `Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now).`,
    );
  }
  const params = new Map<string, string>();
  if (algorithm === ALGORITHM) {
    for (const part of rest.join(' ').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
  }
  const problems = ['Credential', 'Signature', 'SignedHeaders']
    .filter((name) => !params.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  const match = amzDate ? AMZ_DATE.exec(amzDate) : null;
  if (!amzDate || !match) {
    problems.push(
      "Authorization header requires existence of a valid 'X-Amz-Date' header (ISO-8601 basic format).",
    );
  }
  if (problems.length > 0 || !amzDate || !match) {
    return authErrors.incomplete(problems.join(' '));
  }
  const credential = params.get('Credential') ?? '';
  const scope = credential.split('/');
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator] = scope;
  if (scope.length !== 5 || !accessKeyId) {
    return authErrors.incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  if (terminator !== 'aws4_request') {
    return authErrors.invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const signingDate = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: (params.get('SignedHeaders') ?? '').toLowerCase().split(';').filter(Boolean),
    signature: params.get('Signature') ?? '',
    amzDate,
    signingDate,
  };
}
