import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_REGION, LOCAL_ACCOUNT_ID } from '@kms-demo/spec';
import type { Denial } from './authz/authorize.js';
import { LocalAwsError } from './errors.js';
import { type FaultOptions, resolveFaultOptions } from './faults.js';
import type { TrailOptions } from './trail/trail.js';

export interface LocalAwsOptions {
  /** Where credentials, key material and table data live (created 0700). */
  stateDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; anything but loopback needs `allowNonLoopback`. */
  host?: string;
  allowNonLoopback?: boolean;
  /** Default the spec's DEFAULT_REGION. */
  region?: string;
  /** Default the spec's LOCAL_ACCOUNT_ID, 000000000000. */
  accountId?: string;
  /** Verify the SigV4 signature of every request; default true. */
  auth?: boolean;
  /**
   * Authorize every signed request against the key policy and the signer's identity
   * policies; default true. Needs `auth` (an unsigned request has no principal).
   */
  authorization?: boolean;
  /**
   * Whether the local key policy and app policy grant the context-free Decrypt that
   * original-demo items need (infra's `allowLegacyItems`); default true, so the original
   * demo's flow works offline.
   */
  allowLegacyItems?: boolean;
  /** Told of every request refused with AccessDeniedException. Default: ignored. */
  onAccessDenied?: (denial: Denial) => void;
  /** When undefined, read from the KMS_DEMO_LOCAL_FAULTS environment variable. */
  faults?: FaultOptions;
  /** Ensure the spec's key alias and table exist at start; default true. */
  bootstrap?: boolean;
  /** Close by itself after this long with no requests; off by default. */
  idleTimeoutMs?: number;
  /**
   * The CloudTrail-shaped trail of KMS calls in `<stateDir>/cloudtrail/`: its rotation
   * limits, or false to record nothing. Default on, 16 MiB files, 8 files kept.
   */
  trail?: TrailOptions | false;
  /**
   * Told of every bug a client saw only as a generic 500 (`operation` = its X-Amz-Target),
   * and of a DynamoDB store that failed for good (`operation` = 'DynamoDB store'). The
   * error may name files but never holds request bodies. Default: ignored.
   */
  onInternalError?: (error: unknown, operation: string) => void;
}

export interface ResolvedOptions {
  stateDir: string;
  port: number;
  host: string;
  region: string;
  accountId: string;
  auth: boolean;
  authorization: boolean;
  allowLegacyItems: boolean;
  faults: FaultOptions;
  bootstrap: boolean;
  idleTimeoutMs: number | undefined;
  trail: TrailOptions | false;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT_PATTERN = /^\d{12}$/;

export function resolveOptions(options: LocalAwsOptions): ResolvedOptions {
  if (!options.stateDir) {
    throw new LocalAwsError(
      'INVALID_OPTIONS',
      'The local endpoint needs a stateDir to keep its data in.',
    );
  }
  const host = options.host ?? '127.0.0.1';
  if (!options.allowNonLoopback && !isLoopbackHost(host)) {
    throw new LocalAwsError(
      'NON_LOOPBACK_HOST',
      `Refusing to listen on ${host}: the local endpoint binds loopback only (127.0.0.1, ::1, localhost) unless allowNonLoopback is set.`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalAwsError('INVALID_OPTIONS', `Port ${port} is not a TCP port (0-65535).`);
  }
  const region = options.region ?? DEFAULT_REGION;
  if (!REGION_PATTERN.test(region)) {
    throw new LocalAwsError('INVALID_OPTIONS', `Region "${region}" is not an AWS region name.`);
  }
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  if (!ACCOUNT_PATTERN.test(accountId)) {
    throw new LocalAwsError('INVALID_OPTIONS', `Account id "${accountId}" is not 12 digits.`);
  }
  const idle = options.idleTimeoutMs;
  if (idle !== undefined && !(Number.isFinite(idle) && idle > 0)) {
    throw new LocalAwsError('INVALID_OPTIONS', 'idleTimeoutMs must be a positive number.');
  }
  return {
    stateDir: resolve(options.stateDir),
    port,
    host,
    region,
    accountId,
    auth: options.auth ?? true,
    authorization: (options.auth ?? true) && (options.authorization ?? true),
    allowLegacyItems: options.allowLegacyItems ?? true,
    faults: resolveFaultOptions(options.faults),
    bootstrap: options.bootstrap ?? true,
    idleTimeoutMs: idle,
    trail: options.trail ?? {},
  };
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped loopback) and `localhost`; nothing that resolves elsewhere. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) {
    if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
    return mapped?.startsWith('127.') ?? false;
  }
  return false;
}
