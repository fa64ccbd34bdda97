import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type LocalPrincipalName, type PolicyDocument, TABLE_NAME } from '@kms-demo/spec';
import { ActivityTracker } from './activity-tracker.js';
import { SignatureVerifier } from './auth/verify-signature.js';
import type { Denial } from './authz/authorize.js';
import { type LocalPrincipal, localKeyPolicy, localPrincipals } from './authz/local-principals.js';
import { bootstrapResources, findBootstrapKeyArn } from './bootstrap.js';
import { loadDynaliteWorker } from './dynamodb/dynalite-worker.js';
import { openTableStore } from './dynamodb/open-table-store.js';
import { LocalAwsError } from './errors.js';
import { FaultInjector } from './faults.js';
import { createKmsService, type KmsService } from './kms/service.js';
import { type LocalAwsOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { createAwsServer } from './server.js';
import { type LocalAwsCredentials, loadOrCreatePrincipalCredentials } from './state/credentials.js';
import { DataLedger } from './state/data-ledger.js';
import { fsErrorReason } from './state/fs-errors.js';
import { checkKmsNotLost } from './state/integrity.js';
import { readManifest } from './state/manifest.js';
import { checkStateDirSafety } from './state/safety.js';
import { ensurePrivateDir } from './state/state-dir.js';
import { acquireStateLock, type StateLock } from './state/state-lock.js';
import { countTableItems } from './state/table-census.js';
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
  /** Why it closed, once `closed` has resolved. */
  readonly closeReason: CloseReason | undefined;
}

/**
 * `close`: a caller called close(); `idle`: the idle timeout; `failure`: the table store
 * failed for good (e.g. no space left on device), with the error.
 */
export type CloseReason =
  | { kind: 'close' }
  | { kind: 'idle'; idleMs: number }
  | { kind: 'failure'; error: LocalAwsError };

/** How long `close` waits for requests in flight before cutting their connections. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Starts KMS and DynamoDB on one authenticated loopback endpoint, keeping state in
 * `options.stateDir`. Only one endpoint may use a state dir at a time.
 */
export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const opts = resolveOptions(options);
  // Loading dynalite, the longest step of a start, reads no state: it runs while this
  // thread checks, locks and prepares the state dir. The store is opened only after that.
  const dynalite = loadDynaliteWorker();
  let lock: StateLock;
  try {
    // Owner and modes first: nothing in a state dir someone else could write is trusted.
    await checkStateDirSafety(opts.stateDir);
    await ensurePrivateDir(opts.stateDir);
    lock = await acquireStateLock(opts.stateDir);
  } catch (error) {
    await dynalite.discard();
    throw error;
  }
  // Undone in reverse order if start fails, and by close() once it succeeded.
  const teardown: (() => Promise<void>)[] = [() => lock.release(), () => dynalite.discard()];
  const undo = async () => {
    for (const step of [...teardown].reverse()) await step().catch(() => {});
  };
  const reportInternal = options.onInternalError ?? (() => {});
  let ledger: DataLedger | undefined;
  try {
    const manifest = await readManifest(opts.stateDir);
    const credentials = await loadOrCreatePrincipalCredentials(opts.stateDir);
    const kms = await openKms(opts, () => ledger?.schedule());
    teardown.push(() => kms.close());
    const dataDir = join(opts.stateDir, 'dynamodb');
    let counted: Record<string, number> = {};
    // Refuses a store that lost files, and leaves it as it was (open-table-store.ts).
    const dynamo = await openTableStore({
      dataDir,
      region: opts.region,
      accountId: opts.accountId,
      manifest,
      worker: dynalite,
      verify: (found) => {
        checkKmsNotLost(kms.statePath, kms.keyIds().length, manifest, found);
        counted = found;
      },
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
        `The DynamoDB store in ${dataDir} failed after opening; nothing was removed; see the cause with --verbose, and restore the state dir from a backup if it is damaged.`,
        { cause: error },
      );
    });
    const newLedger = new DataLedger(
      opts.stateDir,
      async () => ({ keyIds: kms.keyIds(), tables: await countTableItems(dynamo) }),
      (error) => reportInternal(error, 'manifest.json'),
      false,
    );
    // Nothing wrote to the store since it was counted on opening, but bootstrap may have
    // created the table: empty, if it was not among those counted.
    await newLedger.settle({
      keyIds: kms.keyIds(),
      tables: opts.bootstrap ? { [TABLE_NAME]: 0, ...counted } : counted,
    });
    ledger = newLedger;
    teardown.push(() => newLedger.close());

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

    const activity = new ActivityTracker(opts.idleTimeoutMs);
    const server = createAwsServer({
      kms,
      dynamo,
      verifier: opts.auth ? new SignatureVerifier<LocalPrincipal>(keyring, opts.region) : undefined,
      ...(opts.authorization
        ? { authorization: { scope: { region: opts.region, accountId: opts.accountId }, onDenied } }
        : {}),
      faults: new FaultInjector(opts.faults),
      beforeTableWrite: () => newLedger.beforeTableWrite(),
      afterTableWrite: () => newLedger.afterTableWrite(),
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

    let closeReason: CloseReason | undefined;
    let closing: Promise<void> | undefined;
    let markClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const close = (reason: CloseReason = { kind: 'close' }) => {
      closeReason ??= reason;
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
    activity.onIdle(
      () => void close({ kind: 'idle', idleMs: opts.idleTimeoutMs ?? 0 }).catch(() => {}),
    );
    // A dead table store leaves a half-working endpoint; closing it lets clients notice.
    dynamo.onFailure((error) => {
      try {
        reportInternal(error, 'DynamoDB store');
      } catch {}
      const reason = fsErrorReason(error);
      const failure = new LocalAwsError(
        reason === 'no space left on device' ? 'NO_SPACE' : 'DYNAMODB_FAILED',
        reason
          ? `The table store in ${dataDir} failed: ${reason}; free space (or fix the cause) and start the server again; acknowledged writes are on disk.`
          : `The table store in ${dataDir} failed: ${error.message}; see the server log, then start the server again.`,
        { cause: error },
      );
      void close({ kind: 'failure', error: failure }).catch(() => {});
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
      close: () => close(),
      closed,
      get closeReason() {
        return closeReason;
      },
    };
  } catch (error) {
    await undo();
    throw withFsReason(error, opts.stateDir);
  }
}

async function openKms(opts: ResolvedOptions, onPersist: () => void): Promise<KmsService> {
  try {
    return await createKmsService({
      stateDir: opts.stateDir,
      region: opts.region,
      accountId: opts.accountId,
      onPersist,
    });
  } catch (error) {
    if (error instanceof LocalAwsError || fsErrorReason(error)) throw error;
    // The state file's own message names the file and what to do.
    throw new LocalAwsError(
      'KMS_STATE_DAMAGED',
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
}

/** A start that failed for lack of disk space says so first, whatever step hit it. */
function withFsReason(error: unknown, stateDir: string): unknown {
  const reason = fsErrorReason(error);
  if (reason !== 'no space left on device') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LocalAwsError(
    'NO_SPACE',
    `No space left on device for ${stateDir} (${message.replace(/\.$/, '')}); free some space and try again; nothing was removed.`,
    { cause: error },
  );
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
