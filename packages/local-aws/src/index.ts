export type { Denial, DenialReason } from './authz/authorize.js';
export { localIdentityPolicies, localKeyPolicy } from './authz/local-principals.js';
export { LocalAwsError, type LocalAwsErrorCode } from './errors.js';
export { FAULTS_ENV, type FaultOptions, type FaultRule } from './faults.js';
export { type ForegroundOptions, runLocalAwsForeground } from './foreground.js';
export { type LocalAws, startLocalAws } from './local-aws.js';
export { isLoopbackHost, type LocalAwsOptions } from './options.js';
export {
  CREDENTIALS_DIR,
  type LocalAwsCredentials,
  loadOrCreateCredentials,
  loadOrCreatePrincipalCredentials,
  loadPrincipalCredentials,
  type PrincipalCredentials,
} from './state/credentials.js';
export { findRunningServer, type RunningServer } from './state/discovery.js';
export { type PidLockAttempt, pidLockHeld, tryAcquirePidLock } from './state/pid-lock.js';
export { isProcessAlive, processStartTime } from './state/process-identity.js';
export { stateDirInUse } from './state/state-lock.js';
