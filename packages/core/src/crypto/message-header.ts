import { AlgorithmSuiteIdentifier, NodeAlgorithmSuite } from '@aws-crypto/material-management-node';
import { deserializeFactory } from '@aws-crypto/serialize';
import type { EncryptionContext } from './kms-api.js';

/**
 * Reads the plaintext header of an Encryption SDK message without decrypting anything:
 * used to describe items and to refuse a mismatched item before calling KMS. The header
 * is only authenticated by decryption, so decisions that matter are taken again on the
 * header the SDK returns after decrypting.
 */

export interface EnvelopeHeader {
  /** Message format version (2 for committing suites). */
  messageVersion: number;
  algorithm: AlgorithmInfo;
  encryptionContext: EncryptionContext;
  /** KMS key ARNs that wrap the data key (the EDK provider info). */
  keyArns: string[];
  frameLength: number;
}

export interface AlgorithmInfo {
  id: number;
  /** Hex form as AWS documents it, e.g. 0x0478. */
  hex: string;
  name: string;
  committing: boolean;
  signed: boolean;
}

const toUtf8 = (input: Uint8Array): string =>
  Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');

const { deserializeMessageHeader } = deserializeFactory(toUtf8, NodeAlgorithmSuite);

export function algorithmInfo(id: AlgorithmSuiteIdentifier): AlgorithmInfo {
  const suite = new NodeAlgorithmSuite(id);
  return {
    id,
    hex: `0x${id.toString(16).padStart(4, '0')}`,
    name: AlgorithmSuiteIdentifier[id] ?? suite.name,
    committing: Boolean(suite.commitment && suite.commitment !== 'NONE'),
    signed: Boolean(suite.signatureCurve),
  };
}

/** Returns undefined when the bytes are not a complete, well-formed message header. */
export function readEnvelopeHeader(ciphertext: Uint8Array): EnvelopeHeader | undefined {
  let info: ReturnType<typeof deserializeMessageHeader>;
  try {
    info = deserializeMessageHeader(ciphertext, { maxEncryptedDataKeys: 1 });
  } catch {
    return undefined;
  }
  if (!info) return undefined;
  const header = info.messageHeader;
  return {
    messageVersion: header.version,
    algorithm: algorithmInfo(header.suiteId),
    encryptionContext: { ...header.encryptionContext },
    keyArns: header.encryptedDataKeys.map((edk) => edk.providerInfo),
    frameLength: header.frameLength,
  };
}
