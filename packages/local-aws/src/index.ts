export { LocalAwsError, type LocalAwsErrorCode } from './errors.js';
export { FAULTS_ENV, type FaultOptions, type FaultRule } from './faults.js';
export { type ForegroundOptions, runLocalAwsForeground } from './foreground.js';
export { type LocalAws, startLocalAws } from './local-aws.js';
export { isLoopbackHost, type LocalAwsOptions } from './options.js';
export { type LocalAwsCredentials, loadOrCreateCredentials } from './state/credentials.js';
export { findRunningServer, type RunningServer } from './state/discovery.js';
export { isProcessAlive, processStartTime } from './state/process-identity.js';
