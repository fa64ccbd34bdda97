export type { Denial, DenialReason } from './authz/authorize.js';
export { localIdentityPolicies, localKeyPolicy } from './authz/local-principals.js';
export { FAULTS_ENV, type FaultOptions, type FaultRule } from './faults.js';
export {
  describeStop,
  type ForegroundOptions,
  type ForegroundStop,
  runLocalAwsForeground,
} from './foreground.js';
export { type CloseReason, type LocalAws, startLocalAws } from './local-aws.js';
export { isLoopbackHost, type LocalAwsOptions } from './options.js';
// Everything a client of a running server needs, also importable alone as `./state`.
export * from './state/index.js';
