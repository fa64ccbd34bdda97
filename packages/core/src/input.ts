// The light entry `@kms-demo/core/input`: the checks a command runs on its input before it
// connects anywhere, without loading the AWS SDK and the Encryption SDK that the main
// entry brings. The CLI checks an id here while it resolves its target, then loads the rest.
export { DIRECT_MAX_SECRET_BYTES, ENVELOPE_MAX_SECRET_BYTES } from './crypto/limits.js';
export { validateUserId } from './storage/ids.js';
