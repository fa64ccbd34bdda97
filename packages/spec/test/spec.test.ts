import { describe, expect, it } from 'vitest';
import * as spec from '../src/index.js';

describe('resource spec', () => {
  it('names the resources the original demo creates by hand', () => {
    expect(spec.TABLE_NAME).toBe('demo-kms');
    expect(spec.PARTITION_KEY).toBe('appuser');
    expect(spec.KEY_ALIAS).toBe('alias/demo-kms');
    expect(spec.SECRET_ATTRIBUTE).toBe('userpasswd');
  });

  it('describes a symmetric encrypt/decrypt key in us-east-1 by default', () => {
    expect(spec.resourceSpec.key.keySpec).toBe('SYMMETRIC_DEFAULT');
    expect(spec.resourceSpec.key.keyUsage).toBe('ENCRYPT_DECRYPT');
    expect(spec.resourceSpec.region).toBe('us-east-1');
  });

  it('grants no wildcard actions to the app', () => {
    for (const action of [...spec.CORE_KMS_ACTIONS, ...spec.CORE_DYNAMODB_ACTIONS]) {
      expect(action).not.toContain('*');
    }
  });
});
