import { inject } from 'vitest';
import type { LocalAwsCredentials } from '../../src/index.js';

/** What global-setup.ts shares about the endpoint started once per test run. */
export interface SharedLocalAws {
  endpoint: string;
  region: string;
  credentials: LocalAwsCredentials;
  /** ARN of the bootstrapped key behind alias/demo-kms. */
  keyArn: string;
  stateDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localAws: SharedLocalAws;
  }
}

/** The endpoint started once for this test run. Do not close it; global setup does. */
export function sharedLocalAws(): SharedLocalAws {
  return inject('localAws');
}
