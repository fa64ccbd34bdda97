import { KmsError, validationError } from './errors.js';

/**
 * Readers for request members. Each checks the type and the modelled constraint of one
 * member and reports a violation the way AWS does. `member` is the wire name
 * (`KeyId`); messages use AWS's lower camel case (`keyId`).
 */
export type Body = Record<string, unknown>;

export function asBody(body: unknown): Body {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new KmsError('SerializationException', 'The request body must be a JSON object.');
  }
  return body as Body;
}

/** Whether an optional member was given (JSON null counts as absent, as in AWS's parsers). */
export function present(body: Body, member: string): boolean {
  return body[member] !== undefined && body[member] !== null;
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function wrongType(member: string, expected: string): KmsError {
  return new KmsError('SerializationException', `${member} must be ${expected}.`);
}

interface StringRule {
  min?: number;
  max?: number;
}

export function optionalString(
  body: Body,
  member: string,
  rule: StringRule = {},
): string | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(member, 'a string');
  checkLength(camel(member), value, value.length, rule, true);
  return value;
}

export function requiredString(body: Body, member: string, rule: StringRule = {}): string {
  const value = optionalString(body, member, rule);
  if (value === undefined) throw validationError(camel(member), 'Member must not be null', 'null');
  return value;
}

function checkLength(
  name: string,
  value: string | undefined,
  length: number,
  rule: StringRule,
  show: boolean,
): void {
  const shown = show ? value : undefined;
  if (rule.min !== undefined && length < rule.min) {
    throw validationError(
      name,
      `Member must have length greater than or equal to ${rule.min}`,
      shown,
    );
  }
  if (rule.max !== undefined && length > rule.max) {
    throw validationError(name, `Member must have length less than or equal to ${rule.max}`, shown);
  }
}

export function optionalInteger(
  body: Body,
  member: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(member, 'an integer');
  const name = camel(member);
  if (value < min)
    throw validationError(name, `Member must have value greater than or equal to ${min}`, value);
  if (value > max)
    throw validationError(name, `Member must have value less than or equal to ${max}`, value);
  return value;
}

export function optionalBoolean(body: Body, member: string): boolean | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(member, 'a boolean');
  return value;
}

export function optionalEnum<T extends string>(
  body: Body,
  member: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(body, member);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw validationError(
      camel(member),
      `Member must satisfy enum value set: [${allowed.join(', ')}]`,
      value,
    );
  }
  return value as T;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A blob member (base64 on the wire). Its value is never echoed: blobs hold secrets. */
export function optionalBlob(body: Body, member: string, rule: StringRule): Buffer | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !BASE64.test(value))
    throw wrongType(member, 'base64-encoded binary data');
  const bytes = Buffer.from(value, 'base64');
  try {
    checkLength(camel(member), undefined, bytes.length, rule, false);
  } catch (error) {
    bytes.fill(0);
    throw error;
  }
  return bytes;
}

export function requiredBlob(body: Body, member: string, rule: StringRule): Buffer {
  const value = optionalBlob(body, member, rule);
  if (value === undefined) throw validationError(camel(member), 'Member must not be null');
  return value;
}

/** An encryption context: a map of strings to strings; absent means empty. */
export function encryptionContext(body: Body, member: string): Record<string, string> {
  const value = body[member];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw wrongType(member, 'a map of strings');
  const context: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw wrongType(member, 'a map of strings');
    context[key] = entry;
  }
  return context;
}

export function optionalStringList(body: Body, member: string): string[] | undefined {
  const value = body[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw wrongType(member, 'a list of strings');
  }
  return value as string[];
}
