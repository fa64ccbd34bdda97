import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_PRINCIPALS, type LocalPrincipalName } from '@kms-demo/spec';
import { LocalAwsError } from '../errors.js';
import { createFileExclusive, ensurePrivateDir } from './state-dir.js';

export interface LocalAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type PrincipalCredentials = Readonly<Record<LocalPrincipalName, LocalAwsCredentials>>;

/** `<stateDir>/credentials/<principal>.json`, one file (0600) per principal, in a 0700 directory. */
export const CREDENTIALS_DIR = 'credentials';
/** The one credential of state dirs made before principals existed; it becomes `admin`'s. */
export const LEGACY_CREDENTIALS_FILE = 'credentials.json';
/** AWS access key ids are upper-case base32; ours start like long-term IAM user keys. */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_ID_PATTERN = /^AKIA[A-Z2-7]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9+/]{40}$/;

/**
 * The credentials of every local principal (admin, key-admin, app, auditor), each made at
 * first start. Whoever can read the state dir can act as any of them; nobody else can.
 * A state dir from before principals existed keeps its one credential as `admin`'s (the
 * identity that could do everything then still can), so shells that exported it still work.
 */
export async function loadOrCreatePrincipalCredentials(
  stateDir: string,
): Promise<PrincipalCredentials> {
  const dir = join(stateDir, CREDENTIALS_DIR);
  await ensurePrivateDir(stateDir);
  await ensurePrivateDir(dir);
  await adoptLegacyCredentials(stateDir, dir);
  const entries = await Promise.all(
    LOCAL_PRINCIPALS.map(
      async (name) => [name, await loadOrCreate(join(dir, `${name}.json`))] as const,
    ),
  );
  const ids = new Set(entries.map(([, credentials]) => credentials.accessKeyId));
  if (ids.size !== entries.length) {
    throw new LocalAwsError(
      'CREDENTIALS_INVALID',
      `Two principals share an access key id in ${dir}; delete the directory to generate new credentials.`,
    );
  }
  return Object.fromEntries(entries) as Record<LocalPrincipalName, LocalAwsCredentials>;
}

/** The credentials of one local principal (made with the others if none exist yet). */
export async function loadPrincipalCredentials(
  stateDir: string,
  name: LocalPrincipalName,
): Promise<LocalAwsCredentials> {
  return (await loadOrCreatePrincipalCredentials(stateDir))[name];
}

/** The `admin` credentials: what the endpoint's single credential of earlier versions became. */
export async function loadOrCreateCredentials(stateDir: string): Promise<LocalAwsCredentials> {
  return loadPrincipalCredentials(stateDir, 'admin');
}

async function adoptLegacyCredentials(stateDir: string, dir: string): Promise<void> {
  const legacy = join(stateDir, LEGACY_CREDENTIALS_FILE);
  let credentials: LocalAwsCredentials;
  try {
    credentials = await readCredentials(legacy);
  } catch (error) {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return;
    throw error;
  }
  try {
    await createFileExclusive(join(dir, 'admin.json'), serialize(credentials));
    // Another process adopting it at the same moment may have removed it already.
    await unlink(legacy).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  } catch (error) {
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot move ${legacy} into ${dir}.`, {
      cause: error,
    });
  }
}

async function loadOrCreate(path: string): Promise<LocalAwsCredentials> {
  // Existing ones are only read: nothing is written (a full disk must not stop a start).
  if (
    await access(path).then(
      () => true,
      () => false,
    )
  ) {
    return readCredentials(path);
  }
  const fresh = generateCredentials();
  let created: boolean;
  try {
    // Exclusive, so two processes starting at once cannot overwrite each other's secret.
    created = await createFileExclusive(path, serialize(fresh));
  } catch (error) {
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot write ${path}.`, { cause: error });
  }
  return created ? fresh : readCredentials(path);
}

function serialize(credentials: LocalAwsCredentials): string {
  const { accessKeyId, secretAccessKey } = credentials;
  return `${JSON.stringify({ accessKeyId, secretAccessKey }, null, 2)}\n`;
}

export async function readCredentials(path: string): Promise<LocalAwsCredentials> {
  let parsed: unknown;
  try {
    // Read synchronously: a small file every client reads on every command, where an
    // asynchronous read would start libuv's thread pool for it (~3 ms).
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new LocalAwsError(
      'CREDENTIALS_INVALID',
      `Cannot read the local endpoint credentials in ${path}; delete the file to generate new ones.`,
      { cause: error },
    );
  }
  const { accessKeyId, secretAccessKey } = (parsed ?? {}) as Record<string, unknown>;
  if (
    typeof accessKeyId !== 'string' ||
    typeof secretAccessKey !== 'string' ||
    !KEY_ID_PATTERN.test(accessKeyId) ||
    !SECRET_PATTERN.test(secretAccessKey)
  ) {
    throw new LocalAwsError(
      'CREDENTIALS_INVALID',
      `The local endpoint credentials in ${path} are malformed; delete the file to generate new ones.`,
    );
  }
  return { accessKeyId, secretAccessKey };
}

function generateCredentials(): LocalAwsCredentials {
  let suffix = '';
  for (let i = 0; i < 16; i++) suffix += KEY_ID_ALPHABET[randomInt(KEY_ID_ALPHABET.length)];
  return {
    accessKeyId: `AKIA${suffix}`,
    // 30 random bytes are exactly 40 base64 characters, the length of an AWS secret key.
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}
