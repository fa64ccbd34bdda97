import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NoOpLogger } from '@smithy/core/client';
import { describe, expect, it, vi } from 'vitest';
import { createAwsClients, quietLogger } from '../../src/clients.js';

// The AWS SDK copies every request's input and output for an info log line unless the
// client's logger is a NoOpLogger (its logger middleware checks with instanceof).
describe('quietLogger', () => {
  it('is a NoOpLogger that passes debug, warn and error on and drops info', () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const quiet = quietLogger(logger);
    expect(quiet).toBeInstanceOf(NoOpLogger);
    quiet.debug('d');
    quiet.info('i');
    quiet.warn('w');
    quiet.error('e');
    expect(logger.debug).toHaveBeenCalledWith('d');
    expect(logger.info).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith('w');
    expect(logger.error).toHaveBeenCalledWith('e');
    // Already quiet: used as it is, not wrapped again.
    expect(quietLogger(quiet)).toBe(quiet);
  });

  it("is what createAwsClients' clients get for a logger; a plain logger is not one", () => {
    const logger = { debug() {}, info() {}, warn() {}, error() {} };
    const { kms, dynamodb } = createAwsClients({ logger, region: 'us-east-1' });
    expect(kms.config.logger).toBeInstanceOf(NoOpLogger);
    expect(dynamodb.config.logger).toBeInstanceOf(NoOpLogger);
    const plain = new DynamoDBClient({ logger, region: 'us-east-1' });
    expect(plain.config.logger).not.toBeInstanceOf(NoOpLogger);
    for (const client of [kms, dynamodb, plain]) client.destroy();
  });
});
