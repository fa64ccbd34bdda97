import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { invalidCiphertext } from './errors.js';

/**
 * The emulator's ciphertext blob, version 1:
 *
 *   format (1 byte, 0x01) | key id (16 bytes, the UUID) | material version (uint32 BE)
 *   | IV (12 bytes) | AES-256-GCM ciphertext | GCM tag (16 bytes)
 *
 * The first 21 bytes are the header. The AAD is the header followed by the canonical
 * encoding of the encryption context, so changing the header, the context or any
 * ciphertext byte fails authentication. The blob reveals the key and material version
 * (as AWS's does) and the plaintext length, nothing else.
 */
const FORMAT_VERSION = 1;
const KEY_ID_LENGTH = 16;
const HEADER_LENGTH = 1 + KEY_ID_LENGTH + 4;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const MIN_LENGTH = HEADER_LENGTH + IV_LENGTH + 1 + TAG_LENGTH;

export interface CiphertextHeader {
  keyId: string;
  materialVersion: number;
}

export function encodeHeader(header: CiphertextHeader): Buffer {
  const bytes = Buffer.alloc(HEADER_LENGTH);
  bytes.writeUInt8(FORMAT_VERSION, 0);
  Buffer.from(header.keyId.replaceAll('-', ''), 'hex').copy(bytes, 1);
  bytes.writeUInt32BE(header.materialVersion, 1 + KEY_ID_LENGTH);
  return bytes;
}

/** Reads the header; any blob that cannot be ours is InvalidCiphertextException. */
export function decodeHeader(blob: Buffer): CiphertextHeader {
  if (blob.length < MIN_LENGTH || blob.readUInt8(0) !== FORMAT_VERSION) throw invalidCiphertext();
  const hex = blob.subarray(1, 1 + KEY_ID_LENGTH).toString('hex');
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, materialVersion: blob.readUInt32BE(1 + KEY_ID_LENGTH) };
}

/**
 * The encryption context as unambiguous bytes: pair count, then each pair sorted by the
 * UTF-8 bytes of its key, every string length-prefixed (uint32 BE). Pair order in the
 * request therefore does not matter, and no two contexts encode alike.
 */
export function encodeEncryptionContext(context: Record<string, string>): Buffer {
  const pairs = Object.entries(context)
    .map(([key, value]) => [Buffer.from(key, 'utf8'), Buffer.from(value, 'utf8')] as const)
    .sort(([a], [b]) => Buffer.compare(a, b));
  const parts: Buffer[] = [uint32(pairs.length)];
  for (const [key, value] of pairs)
    parts.push(uint32(key.length), key, uint32(value.length), value);
  return Buffer.concat(parts);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

export function seal(
  header: CiphertextHeader,
  material: Buffer,
  plaintext: Buffer,
  context: Record<string, string>,
): Buffer {
  const head = encodeHeader(header);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', material, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(Buffer.concat([head, encodeEncryptionContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, iv, body, cipher.getAuthTag()]);
}

/** The plaintext of a blob whose header has been read; the caller must zero it after use. */
export function open(blob: Buffer, material: Buffer, context: Record<string, string>): Buffer {
  if (blob.length < MIN_LENGTH) throw invalidCiphertext();
  const head = blob.subarray(0, HEADER_LENGTH);
  const iv = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  const body = blob.subarray(HEADER_LENGTH + IV_LENGTH, blob.length - TAG_LENGTH);
  const decipher = createDecipheriv('aes-256-gcm', material, iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.concat([head, encodeEncryptionContext(context)]));
  decipher.setAuthTag(blob.subarray(blob.length - TAG_LENGTH));
  const plaintext = decipher.update(body);
  try {
    decipher.final();
  } catch {
    plaintext.fill(0);
    throw invalidCiphertext();
  }
  return plaintext;
}
