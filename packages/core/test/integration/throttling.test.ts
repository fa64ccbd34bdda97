import { afterEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator, text, utf8 } from '../support/emulator.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Counts HTTP attempts (the deserialize step runs once per attempt, inside the retry loop). */
function countAttempts(client: Emulator['kms'] | Emulator['dynamodb']): { count: number } {
  const attempts = { count: 0 };
  (client.middlewareStack as Emulator['kms']['middlewareStack']).add(
    (next) => async (args) => {
      attempts.count += 1;
      return next(args);
    },
    { step: 'deserialize', name: 'countAttempts' },
  );
  return attempts;
}

describe('throttling', () => {
  it('the standard retries absorb injected KMS and DynamoDB throttling', async () => {
    emulator = await startEmulator({ faults: { kms: { count: 2 }, dynamodb: { count: 2 } } });
    const kmsAttempts = countAttempts(emulator.kms);
    const dynamoAttempts = countAttempts(emulator.dynamodb);
    const store = emulator.store();
    for (const scheme of ['envelope', 'direct'] as const) {
      const { appuser } = await store.put(utf8(`through the storm (${scheme})`), { scheme });
      expect(text((await store.get(appuser)).secret)).toBe(`through the storm (${scheme})`);
    }
    // DescribeKey + 2 × (encrypt-side + decrypt-side) calls, plus the 2 throttled attempts.
    expect(kmsAttempts.count).toBe(5 + 2);
    expect(dynamoAttempts.count).toBe(4 + 2);
  });

  it('throttling that outlasts the retries is THROTTLED, with the cause kept', async () => {
    emulator = await startEmulator({ faults: { kms: { count: 100 } }, maxAttempts: 2 });
    const error = await emulator
      .store()
      .put(utf8('never stored'))
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'THROTTLED' });
    expect(error.cause?.name).toBe('ThrottlingException');
    expect(error.message).not.toContain('never stored');
  });
});
