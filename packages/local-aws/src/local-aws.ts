import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LocalPrincipalName, PolicyDocument } from '@kms-demo/spec';
import { ActivityTracker } from './activity-tracker.js';
import { SignatureVerifier } from './auth/verify-signature.js';
import type { Denial } from './authz/authorize.js';
import { type LocalPrincipal, localKeyPolicy, localPrincipals } from './authz/local-principals.js';
import { bootstrapResources, findBootstrapKeyArn } from './bootstrap.js';
import { startDynamoBackend } from './dynamodb/dynalite-backend.js';
import { LocalAwsError } from './errors.js';
import { FaultInjector } from './faults.js';
import { createKmsService } from './kms/service.js';
import { type LocalAwsOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { createAwsServer } from './server.js';
import { type LocalAwsCredentials, loadOrCreatePrincipalCredentials } from './state/credentials.js';
import { ensurePrivateDir } from './state/state-dir.js';
import { acquireStateLock } from './state/state-lock.js';
import { createTrailRecorder } from './trail/recorder.js';
import { Trail } from './trail/trail.js';

export interface LocalAws {
  /** e.g. `http://127.0.0.1:4566`; give it to SDKs as `endpoint`, to the AWS CLI as `--endpoint-url`. */
  endpoint: string;
  region: string;
  /** The `admin` principal's credentials: allowed everything, as the account administrator. */
  credentials: LocalAwsCredentials;
  /** Each principal's IAM ARN and credentials (admin, key-admin, app, auditor). */
  principals: Readonly<
    Record<
      LocalPrincipalName,
      { arn: string; credentials: LocalAwsCredentials; policies: PolicyDocument[] }
    >
  >;
  /** Requests refused with AccessDeniedException since start. */
  readonly accessDenied: number;
  /** ARN of the key behind alias/demo-kms; empty if bootstrap is off and it does not exist. */
  keyArn: string;
  stateDir: string;
  /** Stops taking requests, lets running ones finish, flushes state and frees the state dir. */
  close(): Promise<void>;
  /** Resolves once the endpoint has closed for any reason, including the idle timeout. */
  closed: Promise<void>;
}

/** How long `close` waits for requests in flight before cutting their connections. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Starts KMS and DynamoDB on one authenticated loopback endpoint, keeping state in
 * `options.stateDir`. Only one endpoint may use a state dir at a time.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const opts = resolveOptions(options);
  await ensurePrivateDir(opts.stateDir);
  const lock = await acquireStateLock(opts.stateDir);
  // Undone in reverse order if start fails, and by close() once it succeeded.
  const teardown: (() => Promise<void>)[] = [() => lock.release()];
  const undo = async () => {
    for (const step of [...teardown].reverse()) await step().catch(() => {});
  };
  try {
    const credentials = await loadOrCreatePrincipalCredentials(opts.stateDir);
    const kms = await createKmsService({
      stateDir: opts.stateDir,
      region: opts.region,
      accountId: opts.accountId,
    });
    teardown.push(() => kms.close());
    const dataDir = join(opts.stateDir, 'dynamodb');
    const dynamo = await startDynamoBackend({
      dataDir,
      region: opts.region,
      accountId: opts.accountId,
    });
    teardown.push(() => dynamo.close());
    const policyFor = (allowLegacyItems: boolean) =>
      localKeyPolicy({ accountId: opts.accountId, allowLegacyItems });
    const keyPolicy = {
      document: policyFor(opts.allowLegacyItems),
      // A key policy an earlier start wrote with the other legacy setting follows this one.
      replaces: [policyFor(!opts.allowLegacyItems)],
    };
    const keyArn = await (opts.bootstrap
      ? bootstrapResources(kms, dynamo, keyPolicy)
      : findBootstrapKeyArn(kms)
    ).catch((error: unknown) => {
      if (error instanceof LocalAwsError) throw error;
      throw new LocalAwsError(
        'DYNAMODB_FAILED',
        `The DynamoDB store in ${dataDir} failed to open; it may be damaged. Move it aside to start with an empty one.`,
        { cause: error },
      );
    });

    const trail = opts.trail === false ? undefined : await Trail.open(opts.stateDir, opts.trail);
    teardown.push(async () => {
      await trail?.close();
    });
    const principals = localPrincipals(credentials, {
      accountId: opts.accountId,
      region: opts.region,
      keyArn,
      allowLegacyItems: opts.allowLegacyItems,
    });
    const keyring = new Map(
      principals.map((principal) => [
        principal.credentials.accessKeyId,
        { credentials: principal.credentials, principal },
      ]),
    );
    let accessDenied = 0;
    const reportDenied = options.onAccessDenied ?? (() => {});
    const onDenied = (denial: Denial) => {
      accessDenied++;
      try {
        reportDenied(denial);
      } catch {}
    };

    const reportInternal = options.onInternalError ?? (() => {});
    const activity = new ActivityTracker(opts.idleTimeoutMs);
    const server = createAwsServer({
      kms,
      dynamo,
      verifier: opts.auth ? new SignatureVerifier<LocalPrincipal>(keyring, opts.region) : undefined,
      ...(opts.authorization
        ? { authorization: { scope: { region: opts.region, accountId: opts.accountId }, onDenied } }
        : {}),
      faults: new FaultInjector(opts.faults),
      trail: createTrailRecorder({
        trail,
        region: opts.region,
        accountId: opts.accountId,
        keyArnOf: (keyId) => kms.keyArnOf(keyId),
      }),
      onRequestStart: (kind) => activity.start(kind),
      onRequestEnd: (kind) => activity.end(kind),
      onInternalError: (error, operation) => {
        // A broken reporter must not turn a 500 into a crash.
        try {
          reportInternal(error, operation);
        } catch {}
      },
    });
    const endpoint = await listen(server, opts);
    teardown.push(() => stopServer(server, activity));

    let closing: Promise<void> | undefined;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const close = () => {
      closing ??= (async () => {
        const steps = [...teardown].reverse();
        let firstError: unknown;
        for (const step of steps) {
          await step().catch((error: unknown) => {
            firstError ??= error;
          });
        }
        markClosed();
        if (firstError) {
          throw new LocalAwsError('CLOSE_FAILED', 'The local endpoint did not close cleanly.', {
            cause: firstError,
          });
        }
      })();
      return closing;
    };
    activity.onIdle(() => void close().catch(() => {}));
    // A dead table store leaves a half-working endpoint; closing it lets clients notice.
    dynamo.onFailure((error) => {
      try {
        reportInternal(error, 'DynamoDB store');
      } catch {}
      void close().catch(() => {});
    });
    return {
      endpoint,
      region: opts.region,
      // A fresh copy each time: SDK clients annotate the credentials object they are given.
      get credentials() {
        return { ...credentials.admin };
      },
      get principals() {
        return Object.fromEntries(
          principals.map((p) => [
            p.name,
            { arn: p.arn, credentials: { ...p.credentials }, policies: p.policies },
          ]),
        ) as LocalAws['principals'];
      },
      get accessDenied() {
        return accessDenied;
      },
      keyArn,
      stateDir: opts.stateDir,
      close,
      closed,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

function listen(server: Server, opts: ResolvedOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const busy = error.code === 'EADDRINUSE';
      reject(
        new LocalAwsError(
          busy ? 'PORT_IN_USE' : 'LISTEN_FAILED',
          busy
            ? `Port ${opts.port} on ${opts.host} is already in use; choose another port or 0 for a free one.`
            : `Could not listen on ${opts.host}:${opts.port}.`,
          { cause: error },
        ),
      );
    });
    server.listen(opts.port, opts.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = opts.host.includes(':') ? `[${opts.host.replace(/^\[|\]$/g, '')}]` : opts.host;
      resolve(`http://${host}:${port}`);
    });
  });
}

async function stopServer(server: Server, activity: ActivityTracker): Promise<void> {
  activity.stop();
  const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await activity.drained(DRAIN_TIMEOUT_MS);
  server.closeAllConnections();
  await stopped;
}
