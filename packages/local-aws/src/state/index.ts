// What a client of a running local endpoint needs (find it, read its credentials, take
// or test its locks) without the emulator itself: the CLI's everyday commands import
// this, so they never load the KMS emulator, the HTTP server or dynalite.

// The server's life cycle (find or start, stop, reset, status) touches only these files
// and spawns the CLI: it belongs with them, not with the emulator.
export { LocalAwsError, type LocalAwsErrorCode } from '../errors.js';
export * from '../lifecycle/index.js';
export {
  CREDENTIALS_DIR,
  type LocalAwsCredentials,
  loadOrCreateCredentials,
  loadOrCreatePrincipalCredentials,
  loadPrincipalCredentials,
  type PrincipalCredentials,
} from './credentials.js';
export { findRunningServer, type RunningServer } from './discovery.js';
export { fsErrorReason } from './fs-errors.js';
export { type PidLockAttempt, pidLockHeld, tryAcquirePidLock } from './pid-lock.js';
export { isProcessAlive, processStartTime } from './process-identity.js';
export { checkStateDirSafety } from './safety.js';
export { stateDirInUse } from './state-lock.js';
