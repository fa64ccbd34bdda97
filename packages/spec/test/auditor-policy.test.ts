import { describe, expect, it } from 'vitest';
import { buildAuditorPolicy } from '../src/index.js';

describe('buildAuditorPolicy', () => {
  it('allows cloudtrail:LookupEvents alone, on * since it takes no resource', () => {
    expect(buildAuditorPolicy()).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CloudTrailLookupEvents',
          Effect: 'Allow',
          Action: ['cloudtrail:LookupEvents'],
          Resource: '*',
        },
      ],
    });
  });

  it('returns a fresh document each time, so a caller cannot change the next one', () => {
    const first = buildAuditorPolicy();
    first.Statement[0]?.Action.push('kms:Decrypt');
    expect(buildAuditorPolicy().Statement[0]?.Action).toEqual(['cloudtrail:LookupEvents']);
  });
});
