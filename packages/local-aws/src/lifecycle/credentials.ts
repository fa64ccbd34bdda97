import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPrincipalName } from '@kms-demo/spec';
import { LocalAwsError } from '../errors.js';
import {
  CREDENTIALS_DIR,
  type LocalAwsCredentials,
  readCredentials,
} from '../state/credentials.js';
import { checkStateDirSafety } from '../state/safety.js';

/** Where the server keeps a principal's credentials: `credentials/<principal>.json`. */
export function credentialsPath(stateDir: string, principal: LocalPrincipalName): string {
  return join(stateDir, CREDENTIALS_DIR, `${principal}.json`);
}

/**
 * The credentials of `principal` (default `admin`) on the server of `stateDir`. Only the
 * server creates them (at its first start); a client only reads them, so it never writes
 * to the state dir (nothing to fail on a full disk) and never makes credentials a running
 * server does not know. Owner and modes are checked first.
 */
export async function serverCredentials(
  stateDir: string,
  principal: LocalPrincipalName = 'admin',
): Promise<LocalAwsCredentials> {
  await checkStateDirSafety(stateDir);
  const path = credentialsPath(stateDir, principal);
  if (!credentialsFileExists(stateDir, principal)) {
    throw new LocalAwsError(
      'CREDENTIALS_MISSING',
      `${path} was removed while the local server runs; the server still accepts only the credentials it had, so restart it ('kms-demo local stop', then any command) to make new ones.`,
    );
  }
  return readCredentials(path);
}

/**
 * Whether `principal`'s credentials file is there (not followed if a link: the safety
 * check refuses links). Synchronous: every command asks, and it takes microseconds.
 */
export function credentialsFileExists(stateDir: string, principal: LocalPrincipalName): boolean {
  try {
    lstatSync(credentialsPath(stateDir, principal));
    return true;
  } catch {
    return false;
  }
}
