/**
 * The local server's life cycle, for callers such as the CLI: find or start the
 * background server, stop it (hung or not), erase its state, report its status, and hand
 * out its credentials. Callers never touch the state dir's files themselves.
 */
export { serverCredentials } from './credentials.js';
export {
  type EnsuredServer,
  type EnsureServerOptions,
  ensureServer,
  SERVER_LOG_FILE,
} from './ensure-server.js';
export { resetState, STATE_ENTRIES, stateEntries } from './reset.js';
export { type ServerStatus, START_LOCK_FILE, serverStatus } from './server-status.js';
export { tryAcquireStartLock } from './start-lock.js';
export type { LastStop, StopRequestReason } from './stop-record.js';
export { STOP_GRACE_MS, type StopOptions, type StoppedServer, stopServer } from './stop-server.js';
