/**
 * The narrow slice of KMS the core uses. `KmsApiClient` (and the SDK's aggregated `KMS`
 * class) satisfy it as is; tests can pass a plain object. Exactly the
 * four actions the app policy grants (spec CORE_KMS_ACTIONS).
 */

export type EncryptionContext = Record<string, string>;

export interface KmsApi {
  encrypt(input: {
    KeyId: string;
    Plaintext: Uint8Array;
    EncryptionContext?: EncryptionContext;
  }): Promise<{ CiphertextBlob?: Uint8Array; KeyId?: string }>;

  decrypt(input: {
    CiphertextBlob: Uint8Array;
    KeyId?: string;
    EncryptionContext?: EncryptionContext;
  }): Promise<{ Plaintext?: Uint8Array; KeyId?: string }>;

  generateDataKey(input: {
    KeyId: string;
    NumberOfBytes?: number;
    EncryptionContext?: EncryptionContext;
  }): Promise<{ CiphertextBlob?: Uint8Array; Plaintext?: Uint8Array; KeyId?: string }>;

  describeKey(input: { KeyId: string }): Promise<{
    KeyMetadata?: { Arn?: string; KeyState?: string; KeyUsage?: string; KeySpec?: string };
  }>;
}
