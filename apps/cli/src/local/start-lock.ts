/** The start lock lives with the rest of the server's life cycle, in local-aws. */
export { START_LOCK_FILE, tryAcquireStartLock } from '@kms-demo/local-aws/state';
