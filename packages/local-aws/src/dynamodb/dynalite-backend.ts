import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { LocalAwsError } from '../errors.js';
import { ensurePrivateDir } from '../state/state-dir.js';

export interface DynamoResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DynamoBackend {
  /** Runs one DynamoDB JSON 1.0 request (already authenticated) and returns dynalite's answer. */
  send(operation: string, body: Buffer): Promise<DynamoResponse>;
  /** Stops taking requests and closes the LevelDB store, flushing it to disk. */
  close(): Promise<void>;
}

export interface DynamoBackendOptions {
  dataDir: string;
  region: string;
  accountId: string;
}

/** Response headers of dynalite's that the SDKs read (the crc32 is checked by them). */
const RELAYED_HEADERS = ['content-type', 'x-amz-crc32', 'x-amzn-requestid'];

/**
 * dynalite, persisted under `dataDir`, behind a Unix socket in a fresh owner-only temp
 * directory: it speaks real HTTP to a real dynalite server, yet nobody but this process's
 * user can reach it, so it is no unauthenticated side door to the table data. Our own
 * front door has authenticated the request already; dynalite only checks that an
 * Authorization header is present, so it is given a placeholder.
 */
export async function startDynamoBackend(options: DynamoBackendOptions): Promise<DynamoBackend> {
  await ensurePrivateDir(options.dataDir);
  const server = createDynalite(options);
  const socketDir = await mkdtemp(join(tmpdir(), 'kms-demo-ddb-'));
  const socketPath =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\${socketDir.replace(/[^A-Za-z0-9-]/g, '')}`
      : join(socketDir, 'dynalite.sock');
  try {
    await listen(server, socketPath);
  } catch (error) {
    await rm(socketDir, { recursive: true, force: true });
    throw new LocalAwsError('DYNAMODB_FAILED', 'Could not start the DynamoDB store (dynalite).', {
      cause: error,
    });
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  return {
    send: (operation, body) => forward(socketPath, agent, options.region, operation, body),
    async close() {
      agent.destroy();
      server.closeAllConnections();
      try {
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      } finally {
        await rm(socketDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * dynalite takes the account and region for table ARNs from the environment at creation
 * only, so they are set for that synchronous call and restored right after.
 */
function createDynalite(options: DynamoBackendOptions): Server {
  const saved = { region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = options.region;
  process.env.AWS_ACCOUNT_ID = options.accountId;
  try {
    return dynalite({
      path: options.dataDir,
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
    });
  } finally {
    restoreEnv('AWS_REGION', saved.region);
    restoreEnv('AWS_ACCOUNT_ID', saved.account);
  }
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
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
    // The whole body is sent at once and the request is never aborted: dynalite throws
    // (and would take the process down) if a request errors half-way.
    const req = httpRequest(
      {
        socketPath,
        agent,
        method: 'POST',
        path: '/',
        headers: {
          host: 'dynamodb.local',
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
