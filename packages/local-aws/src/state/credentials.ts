import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalAwsError } from '../errors.js';
import { createFileExclusive, ensurePrivateDir } from './state-dir.js';

export interface LocalAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const CREDENTIALS_FILE = 'credentials.json';
/** AWS access key ids are upper-case base32; ours start like long-term IAM user keys. */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_ID_PATTERN = /^AKIA[A-Z2-7]{16}$/;
const SECRET_PATTERN = /^[A-Za-z0-9+/]{40}$/;

/**
 * The endpoint's only credentials, made at first start and kept in `<stateDir>/credentials.json`
 * (mode 0600). Whoever can read the state dir can use the endpoint; nobody else can.
 */
export async function loadOrCreateCredentials(stateDir: string): Promise<LocalAwsCredentials> {
  await ensurePrivateDir(stateDir);
  const path = join(stateDir, CREDENTIALS_FILE);
  const fresh = generateCredentials();
  let created: boolean;
  try {
    // Exclusive, so two processes starting at once cannot overwrite each other's secret.
    created = await createFileExclusive(path, `${JSON.stringify(fresh, null, 2)}\n`);
  } catch (error) {
    throw new LocalAwsError('STATE_DIR_INVALID', `Cannot write ${path}.`, { cause: error });
  }
  return created ? fresh : readCredentials(path);
}

async function readCredentials(path: string): Promise<LocalAwsCredentials> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
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
