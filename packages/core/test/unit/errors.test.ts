import { describe, expect, it } from 'vitest';
import { fromAwsError, KmsDemoError } from '../../src/index.js';
import { awsError } from '../support/fake-kms.js';

const kmsScope = { service: 'kms', resource: 'alias/demo-kms', appuser: 'alice' } as const;
const tableScope = { service: 'dynamodb', resource: 'demo-kms' } as const;

describe('fromAwsError maps SDK errors to stable codes', () => {
  it.each([
    ['DisabledException', kmsScope, 'KEY_UNAVAILABLE', /disabled/],
    ['KMSInvalidStateException', kmsScope, 'KEY_UNAVAILABLE', /pending deletion/],
    ['AccessDeniedException', kmsScope, 'KEY_UNAVAILABLE', /grant/],
    ['NotFoundException', kmsScope, 'KEY_UNAVAILABLE', /not found/],
    ['KeyUnavailableException', kmsScope, 'KEY_UNAVAILABLE', /retry/],
    ['InvalidCiphertextException', kmsScope, 'INTEGRITY', /'alice'.*restore/],
    ['IncorrectKeyException', kmsScope, 'INTEGRITY', /another key/],
    ['ThrottlingException', kmsScope, 'THROTTLED', /retry/],
    ['ProvisionedThroughputExceededException', tableScope, 'THROTTLED', /retry/],
    ['ThrottlingException', tableScope, 'THROTTLED', /retry/],
    ['LimitExceededException', kmsScope, 'AWS_ERROR', /quota is exhausted/],
    ['ResourceNotFoundException', tableScope, 'TABLE_NOT_FOUND', /deploy the stack/],
    ['ConditionalCheckFailedException', tableScope, 'CONFLICT', /retry/],
    ['AccessDeniedException', tableScope, 'AWS_ERROR', /grant .*dynamodb:GetItem/],
    ['UnrecognizedClientException', kmsScope, 'AWS_ERROR', /credentials/],
    ['CredentialsProviderError', tableScope, 'AWS_ERROR', /AWS_PROFILE/],
    ['InternalServerError', tableScope, 'AWS_ERROR', /InternalServerError/],
  ] as const)('%s from %s → %s', (name, scope, code, message) => {
    const cause = awsError(name);
    const mapped = fromAwsError(cause, scope);
    expect(mapped).toBeInstanceOf(KmsDemoError);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.cause).toBe(cause);
  });

  it('an item over DynamoDB’s size limit is TOO_LARGE', () => {
    const cause = awsError(
      'ValidationException',
      'Item size has exceeded the maximum allowed size',
    );
    expect(fromAwsError(cause, tableScope).code).toBe('TOO_LARGE');
  });

  it.each([
    ['ECONNREFUSED', /reach.*\(ECONNREFUSED\).*local emulator/],
    ['ENOTFOUND', /reach.*\(ENOTFOUND\)/],
    ['EAI_AGAIN', /reach.*\(EAI_AGAIN\)/],
    ['ETIMEDOUT', /reach.*\(ETIMEDOUT\)/],
    ['EHOSTUNREACH', /reach.*\(EHOSTUNREACH\)/],
  ])('an unreachable endpoint (%s) says so', (code, message) => {
    const cause = Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });
    expect(fromAwsError(cause, kmsScope)).toMatchObject({ code: 'AWS_ERROR', message });
  });

  it("the SDK's request timeout is an unreachable endpoint too", () => {
    expect(fromAwsError(awsError('TimeoutError'), tableScope).message).toMatch(/reach/);
  });

  it('passes KmsDemoErrors through unchanged', () => {
    const original = new KmsDemoError('NOT_FOUND', 'x');
    expect(fromAwsError(original, kmsScope)).toBe(original);
  });
});
