import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { LocalAwsError } from '../errors.js';
import { ensurePrivateDir } from '../state/state-dir.js';
import { type LoadingDynalite, loadDynaliteWorker, stopDynaliteWorker } from './dynalite-worker.js';
import { removeDeadSocketDirs, SOCKET_DIR_PREFIX } from './socket-dirs.js';
import { withTransactions } from './transactions/with-transactions.js';

export interface DynamoResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DynamoBackend {
  /** Runs one DynamoDB JSON 1.0 request (already authenticated) and returns dynalite's answer. */
  send(operation: string, body: Buffer): Promise<DynamoResponse>;
  /** Why the store failed for good, if it has. */
  readonly failure: Error | undefined;
  /** Called once if the store fails for good (its worker ended unexpectedly). */
  onFailure(handler: (error: Error) => void): void;
  /** Stops taking requests and closes the LevelDB store, flushing it to disk. */
  close(): Promise<void>;
}

export interface DynamoBackendOptions {
  dataDir: string;
  region: string;
  accountId: string;
  /** A dynalite worker already loading (loadDynaliteWorker); by default one is started. */
  worker?: LoadingDynalite;
}

/** Response headers of dynalite's that the SDKs read (they check the crc32). */
const RELAYED_HEADERS = ['content-type', 'x-amz-crc32', 'x-amzn-requestid'];
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * dynalite, persisted under `dataDir`, in a worker thread behind a Unix socket in a fresh
 * owner-only temp directory: it speaks real HTTP to a real dynalite server, yet nobody
 * but this process's user can reach it, so it is no unauthenticated side door to the
 * table data. Our front door has authenticated each request already; dynalite only checks
 * that an Authorization header is present, so it is given a placeholder.
 */
export async function startDynamoBackend(options: DynamoBackendOptions): Promise<DynamoBackend> {
  const loading = options.worker ?? loadDynaliteWorker();
  let socketDir: string;
  try {
    await ensurePrivateDir(options.dataDir);
    // A server killed with SIGKILL cannot remove its socket dir; the next start does.
    await removeDeadSocketDirs();
    socketDir = await mkdtemp(join(tmpdir(), `${SOCKET_DIR_PREFIX}${process.pid}-`));
  } catch (error) {
    await loading.discard();
    throw error;
  }
  const socketPath =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\${socketDir.replace(/[^A-Za-z0-9-]/g, '')}`
      : join(socketDir, 'dynalite.sock');
  let worker: Worker;
  try {
    worker = await loading.open({
      dataDir: options.dataDir,
      region: options.region,
      accountId: options.accountId,
      socketPath,
    });
  } catch (error) {
    await rm(socketDir, { recursive: true, force: true });
    throw new LocalAwsError(
      'DYNAMODB_FAILED',
      `Could not start the DynamoDB store in ${options.dataDir}: ${error instanceof Error ? error.message : String(error)}.`,
      { cause: error },
    );
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let closing = false;
  let failureHandler: ((error: Error) => void) | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    if (closing || failure) return;
    failure = error;
    failureHandler?.(error);
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the DynamoDB store stopped (exit code ${code})`)));
  // dynalite has no transactions; this layer adds them in front of it.
  const send = withTransactions((operation, body) =>
    forward(socketPath, agent, options.region, operation, body),
  );

  return {
    send(operation, body) {
      if (failure) return Promise.reject(failure);
      return send(operation, body);
    },
    get failure() {
      return failure;
    },
    onFailure(handler) {
      failureHandler = handler;
      if (failure) handler(failure);
    },
    async close() {
      closing = true;
      agent.destroy();
      try {
        await stopDynaliteWorker(worker, CLOSE_TIMEOUT_MS);
      } finally {
        await rm(socketDir, { recursive: true, force: true });
      }
    },
  };
}

function forward(
  socketPath: string,
  agent: Agent,
  region: string,
  operation: string,
  body: Buffer,
): Promise<DynamoResponse> {
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return new Promise((resolve, reject) => {
    // The whole body goes at once and the request is never aborted half-way.
    const req = httpRequest(
      {
        socketPath,
        agent,
        method: 'POST',
        path: '/',
        headers: {
          // Any host will do over the socket; an IP address spares Node's HTTP agent, which
          // checks whether the host is one, compiling its IPv6 pattern (~10-20 ms on the
          // first request).
          host: '127.0.0.1',
          'content-type': 'application/x-amz-json-1.0',
          'content-length': body.length,
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'x-amz-date': amzDate,
          authorization: `AWS4-HMAC-SHA256 Credential=local/${amzDate.slice(0, 8)}/${region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const name of RELAYED_HEADERS) {
            const value = res.headers[name];
            if (typeof value === 'string') headers[name] = value;
          }
          resolve({ status: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
