// What a client of a running local endpoint needs (find it, read its credentials, take
// or test its locks) without the emulator itself: the CLI's everyday commands import
// this, so they never load the KMS emulator, the HTTP server or dynalite.
export {
  CREDENTIALS_DIR,
  type LocalAwsCredentials,
  loadOrCreateCredentials,
  loadOrCreatePrincipalCredentials,
  loadPrincipalCredentials,
  type PrincipalCredentials,
} from './credentials.js';
export { findRunningServer, type RunningServer } from './discovery.js';
export { type PidLockAttempt, pidLockHeld, tryAcquirePidLock } from './pid-lock.js';
export { isProcessAlive, processStartTime } from './process-identity.js';
export { stateDirInUse } from './state-lock.js';
