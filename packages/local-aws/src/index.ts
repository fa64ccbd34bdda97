export type { Denial, DenialReason } from './authz/authorize.js';
export { localIdentityPolicies, localKeyPolicy } from './authz/local-principals.js';
export { LocalAwsError, type LocalAwsErrorCode } from './errors.js';
export { FAULTS_ENV, type FaultOptions, type FaultRule } from './faults.js';
export {
  describeStop,
  type ForegroundOptions,
  type ForegroundStop,
  runLocalAwsForeground,
} from './foreground.js';
export * from './lifecycle/index.js';
export { type CloseReason, type LocalAws, startLocalAws } from './local-aws.js';
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
export { fsErrorReason } from './state/fs-errors.js';
export { type PidLockAttempt, pidLockHeld, tryAcquirePidLock } from './state/pid-lock.js';
export { isProcessAlive, processStartTime } from './state/process-identity.js';
export { checkStateDirSafety } from './state/safety.js';
export { stateDirInUse } from './state/state-lock.js';
