import type { DynamoResponse } from '../dynalite-backend.js';

/** Sends one DynamoDB request to the store behind the transaction layer. */
export type SendToStore = (operation: string, body: Buffer) => Promise<DynamoResponse>;

/** A DynamoDB error answer, named as on the wire without its namespace. */
export interface DynamoFailure {
  ok: false;
  type: string;
  message: string;
  response: DynamoResponse;
}

export type DynamoResult<T> = { ok: true; output: T } | DynamoFailure;

/** Calls the store with a JSON input and parses its JSON answer, success or error. */
export async function callStore<T = Record<string, unknown>>(
  send: SendToStore,
  operation: string,
  input: unknown,
): Promise<DynamoResult<T>> {
  const response = await send(operation, Buffer.from(JSON.stringify(input), 'utf8'));
  const parsed = response.body.length === 0 ? {} : JSON.parse(response.body.toString('utf8'));
  if (response.status === 200) return { ok: true, output: parsed as T };
  const { __type, message, Message } = parsed as Record<string, unknown>;
  const type = String(__type ?? 'InternalServerError').replace(/^.*#/, '');
  return { ok: false, type, message: String(message ?? Message ?? ''), response };
}

/** An error answer of our own, in DynamoDB's JSON 1.0 error shape. */
export function errorResponse(type: string, message: string, extra: object = {}): DynamoResponse {
  return jsonResponse(400, {
    __type: `com.amazonaws.dynamodb.v20120810#${type}`,
    message,
    ...extra,
  });
}

export function jsonResponse(status: number, value: unknown): DynamoResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from(JSON.stringify(value), 'utf8'),
  };
}

export function validationError(message: string): DynamoResponse {
  return errorResponse('ValidationException', message);
}
