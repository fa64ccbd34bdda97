import { request } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalAwsCredentials } from '../../src/index.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined if it is not JSON. */
  json: { __type?: string; message?: string; [key: string]: unknown } | undefined;
}

export interface RawRequestInit {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body in two chunks (Transfer-Encoding: chunked) after a 100 Continue. */
  chunkedWithContinue?: boolean;
}

/** Sends exactly these headers and body, nothing added but what HTTP itself needs. */
export function rawRequest(endpoint: string, init: RawRequestInit): Promise<RawResponse> {
  const url = new URL(init.path ?? '/', endpoint);
  const headers = { ...init.headers };
  if (init.chunkedWithContinue) {
    headers['transfer-encoding'] = 'chunked';
    headers.expect = '100-continue';
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: RawResponse['json'];
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (!init.chunkedWithContinue) {
      req.end(init.body);
      return;
    }
    req.once('continue', () => {
      const body = init.body ?? '';
      req.write(body.slice(0, body.length >> 1));
      setTimeout(() => req.end(body.slice(body.length >> 1)), 10);
    });
  });
}

export interface SignOptions {
  endpoint: string;
  credentials: LocalAwsCredentials;
  region: string;
  /** SigV4 service name: 'kms' or 'dynamodb'. */
  service: string;
  /** Full X-Amz-Target, e.g. 'TrentService.GenerateRandom'. */
  target: string;
  body: string;
  signingDate?: Date;
  /** Path and query to sign, default `/`. */
  path?: string;
  /** Headers sent but left out of SignedHeaders. */
  unsigned?: string[];
}

/**
 * Headers of a request signed the way the SDK signs it (host, content type, target,
 * x-amz-date, optionally x-amz-content-sha256), for tests that then alter or replay it.
 */
export async function signedHeaders(
  options: SignOptions & { contentSha256?: boolean },
): Promise<Record<string, string>> {
  const url = new URL(options.endpoint);
  const json = options.service === 'dynamodb' ? '1.0' : '1.1';
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256: Sha256,
    applyChecksum: options.contentSha256 ?? false,
  });
  const target = new URL(options.path ?? '/', options.endpoint);
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: target.pathname,
      query: Object.fromEntries(target.searchParams),
      headers: {
        host: url.host,
        'content-type': `application/x-amz-json-${json}`,
        'x-amz-target': options.target,
      },
      body: options.body,
    },
    {
      signingDate: options.signingDate ?? new Date(),
      unsignableHeaders: new Set(options.unsigned ?? []),
    },
  );
  return signed.headers as Record<string, string>;
}
