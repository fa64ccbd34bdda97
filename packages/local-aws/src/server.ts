import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { RequestKind } from './activity-tracker.js';
import type { ReceivedRequest, SignatureVerifier } from './auth/verify-signature.js';
import { type AuthorizationRequest, authorize, type Denial } from './authz/authorize.js';
import type { ConditionContext } from './authz/condition-context.js';
import type { LocalPrincipal } from './authz/local-principals.js';
import { dynamoAuthorizationRequests } from './dynamodb/authorization-requests.js';
import type { DynamoBackend } from './dynamodb/dynalite-backend.js';
import type { FaultInjector } from './faults.js';
import {
  type AwsErrorReply,
  CONTENT_TYPES,
  protocolErrors,
  type ServiceName,
  wireType,
} from './http/aws-error.js';
import {
  BodyTooLargeError,
  ClientAbortedError,
  MAX_REQUEST_BYTES,
  readBody,
} from './http/read-body.js';
import { parseTarget, SIGNING_NAMES } from './http/target.js';
import { KmsError } from './kms/errors.js';
import type { KmsService } from './kms/service.js';
import type { Caller } from './trail/caller.js';
import { CloudTrailError } from './trail/cloudtrail-error.js';
import type { TrailRecorder } from './trail/recorder.js';

export interface AwsServerDeps {
  kms: KmsService;
  dynamo: DynamoBackend;
  /** Absent when authentication is off. */
  verifier: SignatureVerifier<LocalPrincipal> | undefined;
  /**
   * Present when requests are authorized (it needs authentication: a request nobody
   * signed has no principal to authorize). `onDenied` is told of every refusal.
   */
  authorization?:
    | { scope: { region: string; accountId: string }; onDenied(denial: Denial): void }
    | undefined;
  faults: FaultInjector;
  /** Around every DynamoDB request that may change data (manifest bookkeeping). */
  beforeTableWrite?(): Promise<void>;
  afterTableWrite?(): void;
  /** Records KMS calls that passed verification and answers CloudTrail LookupEvents. */
  trail: TrailRecorder;
  /** Called when a request starts and when it ends, for idle tracking and draining. */
  onRequestStart(kind: RequestKind): void;
  onRequestEnd(kind: RequestKind): void;
  /**
   * A bug surfaced as a 500; the client only ever sees a generic message. `operation` is
   * the request's X-Amz-Target as sent (possibly empty).
   */
  onInternalError(error: unknown, operation: string): void;
}

/**
 * One HTTP server for both services. The pipeline follows dynalite's: size cap → read
 * body → authenticate → dispatch on X-Amz-Target → fault check → execute → respond.
 */
export function createAwsServer(deps: AwsServerDeps): Server {
  return createServer((req, res) => {
    const kind = isProbe(req) ? 'probe' : 'aws';
    deps.onRequestStart(kind);
    res.once('close', () => deps.onRequestEnd(kind));
    handle(deps, req, res).catch((error: unknown) => {
      deps.onInternalError(error, header(req, 'x-amz-target') ?? '');
      if (!res.headersSent) sendError(res, undefined, protocolErrors.internal(undefined));
      else res.destroy();
    });
  });
}

async function handle(deps: AwsServerDeps, req: IncomingMessage, res: ServerResponse) {
  if (isProbe(req)) {
    // A liveness probe for `findRunningServer`; it reveals nothing a port scan would not.
    return sendJson(res, 200, CONTENT_TYPES.kms, { status: 'ok', pid: process.pid });
  }
  const target = parseTarget(header(req, 'x-amz-target'));
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    // Not a bug, and nobody is left to answer: no 500, no internal-error report.
    if (error instanceof ClientAbortedError) return void res.destroy();
    if (!(error instanceof BodyTooLargeError)) throw error;
    res.shouldKeepAlive = false;
    return sendError(res, target.service, protocolErrors.tooLarge(MAX_REQUEST_BYTES));
  }
  let caller: LocalPrincipal | undefined;
  if (deps.verifier) {
    const received: ReceivedRequest = {
      method: req.method ?? 'POST',
      url: req.url ?? '/',
      headers: req.headersDistinct as Record<string, string[]>,
      body,
    };
    const scope = target.service ? SIGNING_NAMES[target.service] : undefined;
    const result = await deps.verifier.authenticate(received, scope);
    if ('error' in result) return sendError(res, target.service, result.error);
    caller = result.principal;
  }
  // Every signed request is authorized, after its signature and before anything runs.
  const check =
    caller && deps.authorization
      ? checker(caller, deps.authorization.onDenied)
      : (_requests: AuthorizationRequest[]) => undefined;
  if (req.method !== 'POST' || !target.service) {
    return sendError(res, target.service, protocolErrors.unknownOperation(target.raw));
  }
  const trailCaller = deps.trail.caller(header(req, 'authorization'), caller?.name);
  if (target.service === 'cloudtrail') {
    // LookupEvents takes no resource: only an identity policy can grant it.
    const denial = check([
      { action: `cloudtrail:${target.operation}`, resource: '*', context: NO_CONDITION_KEYS },
    ]);
    if (denial) return sendError(res, 'cloudtrail', accessDenied(denial));
    return handleCloudTrail(deps, res, target.operation, body);
  }
  const fault = deps.faults.check(target.service, target.operation);
  if (fault) return sendError(res, target.service, fault);

  if (target.service === 'dynamodb') {
    const scope = deps.authorization?.scope;
    const denial = scope && check(dynamoAuthorizationRequests(target.operation, body, scope));
    if (denial) return sendError(res, 'dynamodb', accessDenied(denial));
    const reply = await sendToTableStore(deps, target.operation, body);
    res.writeHead(reply.status, { ...reply.headers, 'content-length': reply.body.length });
    res.end(reply.body);
    return;
  }
  await handleKms(deps, req, res, target.operation, body, trailCaller, (requests) => {
    const denial = check(requests);
    if (denial) throw new KmsError('AccessDeniedException', denial.message);
  });
}

const NO_CONDITION_KEYS: ConditionContext = { get: () => undefined };

/** The first permission of `requests` the caller lacks, reported to `onDenied`. */
function checker(caller: LocalPrincipal, onDenied: (denial: Denial) => void) {
  return (requests: AuthorizationRequest[]): Denial | undefined => {
    for (const request of requests) {
      const denial = authorize(caller, request);
      if (denial) {
        onDenied(denial);
        return denial;
      }
    }
    return undefined;
  };
}

/** AWS's refusal: HTTP 400 AccessDeniedException with the IAM wording. */
function accessDenied(denial: Denial): AwsErrorReply {
  return { status: 400, type: 'AccessDeniedException', message: denial.message };
}

/** DynamoDB operations that may change what the store holds. */
const TABLE_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'CreateTable',
  'DeleteTable',
  'UpdateTable',
]);

async function sendToTableStore(deps: AwsServerDeps, operation: string, body: Buffer) {
  if (!TABLE_WRITES.has(operation) || !deps.beforeTableWrite) {
    return deps.dynamo.send(operation, body);
  }
  await deps.beforeTableWrite();
  try {
    return await deps.dynamo.send(operation, body);
  } finally {
    deps.afterTableWrite?.();
  }
}

async function handleKms(
  deps: AwsServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  operation: string,
  body: Buffer,
  caller: Caller,
  authorizeRequests: (requests: AuthorizationRequest[]) => void,
) {
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return sendError(res, 'kms', protocolErrors.serialization());
  }
  const requestId = randomUUID();
  res.setHeader('x-amzn-requestid', requestId);
  const record = (outcome: { output?: unknown; error?: { type: string; message: string } }) =>
    deps.trail.recordKms({
      caller,
      operation,
      input,
      ...outcome,
      requestId,
      sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      userAgent: header(req, 'user-agent') ?? '',
    });
  let output: unknown;
  try {
    output = await deps.kms.handle(operation, input, authorizeRequests);
  } catch (error) {
    if (error instanceof KmsError) {
      record({ error: { type: error.type, message: error.message } });
      return sendError(res, 'kms', {
        status: error.status,
        type: error.type,
        message: error.message,
      });
    }
    deps.onInternalError(error, `TrentService.${operation}`);
    const reply = protocolErrors.internal('kms');
    record({ error: { type: reply.type, message: reply.message } });
    return sendError(res, 'kms', reply);
  }
  record({ output });
  sendJson(res, 200, CONTENT_TYPES.kms, output ?? {});
}

async function handleCloudTrail(
  deps: AwsServerDeps,
  res: ServerResponse,
  operation: string,
  body: Buffer,
) {
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    return sendError(res, 'cloudtrail', protocolErrors.serialization());
  }
  try {
    const output = await deps.trail.handleCloudTrail(operation, input);
    sendJson(res, 200, CONTENT_TYPES.cloudtrail, output);
  } catch (error) {
    if (error instanceof CloudTrailError) {
      return sendError(res, 'cloudtrail', error);
    }
    deps.onInternalError(error, `CloudTrail_20131101.${operation}`);
    return sendError(res, 'cloudtrail', protocolErrors.internal('cloudtrail'));
  }
}

function sendError(res: ServerResponse, service: ServiceName | undefined, reply: AwsErrorReply) {
  const contentType = CONTENT_TYPES[service ?? 'kms'];
  sendJson(res, reply.status, contentType, {
    __type: wireType(service, reply),
    message: reply.message,
  });
}

function sendJson(res: ServerResponse, status: number, contentType: string, value: unknown) {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': payload.length,
    // A KMS request's id is set first, so that its trail record names the same id.
    'x-amzn-requestid': String(res.getHeader('x-amzn-requestid') ?? randomUUID()),
  });
  res.end(payload);
}

/** A liveness probe: no AWS API is called with GET or HEAD on this endpoint. */
function isProbe(req: IncomingMessage): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
